import { defineConfig } from 'vitest/config';

// Handlers run inside the test processes; their Powertools logs would drown the report.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

/**
 * Four tiers, each runnable alone (npm run test:unit, …). Integration and e2e share one embedded
 * local stack per run (test/support/global-stack.ts), started on free ports.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-stack.ts'],
          setupFiles: ['test/support/stack-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['test/e2e/*.test.ts'],
          globalSetup: ['test/support/global-stack.ts'],
          setupFiles: ['test/support/stack-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        // Tests that touch shared state (scheduled jobs read every pending order and move the
        // test clock; bus fault injection) run alone, after the other tiers sharing the stack.
        test: {
          name: 'e2e-serial',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/serial/*.test.ts'],
          globalSetup: ['test/support/global-stack.ts'],
          setupFiles: ['test/support/stack-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 1,
        },
      },
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
    ],
  },
});
