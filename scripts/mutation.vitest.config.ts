import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The unit tier alone, for the mutation run (scripts/mutation.ts): the repository's vitest.config.ts
// also lists the stack tiers, whose tests import the same modules and would boot a local stack.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  // Some unit tests that import these modules (the SDK's generated types) take seconds, more on a
  // busy machine; a slow dry run must not fail the run. Stryker times out mutants on its own.
  test: { include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 },
});
