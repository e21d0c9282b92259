import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSdkFiles } from '../../scripts/build-sdk';

describe('the SDK package', () => {
  it("holds types generated from today's /openapi.json and today's widget (npm run sdk:generate)", async () => {
    for (const [path, content] of Object.entries(await generatedSdkFiles())) {
      expect(readFileSync(path, 'utf8') === content, `${path} is stale: run npm run sdk:generate`).toBe(true);
    }
  });
});
