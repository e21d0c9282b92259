import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, type BuiltFunction } from '../scripts/build-functions';
import { fmt, median } from './stats';

const RUNS = 7;

/** Time to import a bundle in a fresh Node process: what a Lambda cold start pays before the handler runs. */
function importMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  if (result.status !== 0) throw new Error(`import of ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
}

export function coldStarts(built: BuiltFunction[]) {
  const baselineDir = join(BUILD_DIR, '..', 'bench');
  mkdirSync(baselineDir, { recursive: true });
  const baseline = join(baselineDir, 'trivial.mjs');
  writeFileSync(baseline, 'export const handler = async () => ({ statusCode: 200, body: "" });\n');
  const baselineMs = median(Array.from({ length: RUNS }, () => importMs(baseline)));
  const rows = built.map((fn) => {
    const ms = median(Array.from({ length: RUNS }, () => importMs(fn.file)));
    return { name: fn.name, kib: fn.bytes / 1024, ms, ratio: ms / baselineMs };
  });
  console.log(`\n## Bundles and cold import (median of ${RUNS} fresh Node processes)\n`);
  console.log('| function | bundle KiB | import ms | × trivial handler |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows)
    console.log(`| ${row.name} | ${fmt(row.kib)} | ${fmt(row.ms)} | ${fmt(row.ratio)} |`);
  console.log(`| (trivial handler) | 0.1 | ${fmt(baselineMs)} | 1.0 |`);
  return rows;
}
