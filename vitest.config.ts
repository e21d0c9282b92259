import { defineConfig } from 'vitest/config';

// Handlers run inside the test processes; their Powertools logs would drown the report.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// The AWS SDK's Node 22 notice, once per worker otherwise (README "Requirements" explains it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A tier that runs against the embedded local stack. All such tiers share one stack per run
 * (test/support/global-stack.ts, free ports); `groupOrder` runs the tiers one after another.
 */
function stackTier(name: string, include: string[], groupOrder: number, maxWorkers: number) {
  return {
    test: {
      name,
      include,
      sequence: { groupOrder },
      globalSetup: ['test/support/global-stack.ts'],
      setupFiles: ['test/support/stack-env.ts'],
      testTimeout: 60_000,
      hookTimeout: 180_000,
      maxWorkers,
    },
  };
}

/** Tiers, each runnable alone (npm run test:unit, …). */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // The providers' public documentation as fixtures (test/contracts/): parsers, requests and the
      // sandbox against it. In-process HTTP servers on 127.0.0.1 only; no stack.
      { test: { name: 'contracts', include: ['test/contracts/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      stackTier('integration', ['test/integration/**/*.test.ts'], 1, 2),
      stackTier('e2e', ['test/e2e/*.test.ts'], 2, 2),
      // Tests that touch shared state (scheduled jobs read every pending order and move the test
      // clock; bus fault injection) run alone, after the other tiers sharing the stack.
      stackTier('e2e-serial', ['test/e2e/serial/*.test.ts'], 3, 1),
      {
        test: {
          name: 'infra',
          sequence: { groupOrder: 4 },
          include: ['test/infra/**/*.test.ts'],
          globalSetup: ['test/support/build-functions.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          maxWorkers: 1,
        },
      },
      // `npm start` as a child process, signalled every usual way: nothing may outlive it.
      {
        test: {
          name: 'lifecycle',
          sequence: { groupOrder: 5 },
          include: ['test/lifecycle/**/*.test.ts'],
          testTimeout: 120_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
