import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { generatedSdkFiles } from '../../scripts/build-sdk';

describe('the SDK package', () => {
  it("holds types generated from today's /openapi.json and today's widget (npm run sdk:generate)", async () => {
    for (const [path, content] of Object.entries(await generatedSdkFiles())) {
      expect(readFileSync(path, 'utf8') === content, `${path} is stale: run npm run sdk:generate`).toBe(true);
    }
  });

  it('bundles for the browser: nothing in it needs a Node built-in', async () => {
    const result = await build({
      entryPoints: ['sdk/src/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toContain('Idempotency-Key'.toLowerCase());
    expect(code).not.toMatch(/from ["']node:/);
  });
});
