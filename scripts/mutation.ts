import type { PartialStrykerOptions } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';

/**
 * npm run test:mutation — mutation testing of the pure money rules (docs/decisions.md 82).
 * Stryker changes one operator, condition or literal of these files at a time and runs the unit
 * tests that cover it; a change no test notices ("survived") is a rule no test pins. Stryker is
 * driven through its API because its CLI wants Node ≥ 22 and the project runs on 20.
 * Exits non-zero when any file's mutation score is under THRESHOLD.
 * `npm run test:mutation -- functions/ledger/journal.ts` mutates only the files named.
 */
const ALL_FILES = [
  'functions/ledger/journal.ts',
  'functions/refunds/allocation.ts',
  'functions/settlements/settlement.ts',
  'functions/orders/money.ts',
  'functions/ledger/cci.ts',
  'functions/orders/state-machine.ts',
];
const THRESHOLD = 90;
const named = process.argv.slice(2);
const unknown = named.filter((file) => !ALL_FILES.includes(file));
if (unknown.length > 0) throw new Error(`not a file this run mutates: ${unknown.join(', ')}`);
const FILES = named.length > 0 ? named : ALL_FILES;

const options: PartialStrykerOptions = {
  mutate: FILES,
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Unit tier only; `related` runs just the test files that import the mutated module.
  vitest: { configFile: 'scripts/mutation.vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Vitest never type-checks, so Stryker need not add `// @ts-nocheck` to files: its default pattern
  // also matches sdk/src/openapi.ts, which a unit test compares byte for byte with what it generates.
  disableTypeChecks: false,
  // The machine is small and shared: two test workers at most.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // The sandbox copies the tree (unit tests read docs/ and bench/ too), not what builds leave.
  ignorePatterns: ['.build', 'cdk.out', '.local', 'coverage', 'reports'],
  reporters: ['clear-text', 'progress-append-only'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: THRESHOLD, low: THRESHOLD, break: null },
  // A const enum in Stryker's types, which isolated modules cannot import: its string value.
  logLevel: 'warn' as PartialStrykerOptions['logLevel'],
};

const started = performance.now();
const results = await new Stryker(options).runMutationTest();
const seconds = ((performance.now() - started) / 1000).toFixed(0);

// Score per file as Stryker counts it: detected (killed, timed out) over detected + undetected
// (survived, not covered); mutants that do not compile or are ignored do not count.
const perFile = new Map<string, { detected: number; undetected: number }>(
  FILES.map((file) => [file, { detected: 0, undetected: 0 }]),
);
for (const mutant of results) {
  const file = FILES.find((candidate) => mutant.fileName.endsWith(candidate));
  const counts = file === undefined ? undefined : perFile.get(file);
  if (counts === undefined) continue;
  if (mutant.status === 'Killed' || mutant.status === 'Timeout') counts.detected++;
  else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') counts.undetected++;
}

let failed = false;
console.log(`\nMutation score per file (threshold ${THRESHOLD} %, ${seconds} s):`);
for (const [file, { detected, undetected }] of perFile) {
  const total = detected + undetected;
  const score = total === 0 ? 100 : (100 * detected) / total;
  const ok = score >= THRESHOLD;
  failed ||= !ok;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${score.toFixed(1).padStart(5)} %  ${detected}/${total}  ${file}`);
}
process.exitCode = failed ? 1 : 0;
