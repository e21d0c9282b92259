import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionName } from '#lib/topology';
import { BUILD_DIR, type BuiltFunction, buildClientFloor, buildSdkFloor } from '../scripts/build-functions';
import { synthesizedEnvironments } from '../scripts/lambda-environments';
import { fmt, median } from './stats';

/** Rounds of the levers table (one probe each). */
const RUNS = 15;
/**
 * Rounds of the cold-start table. Each fresh process varies by ±10–15 % on this 2-core machine,
 * so the median of 15 paired ratios still moved ±0.05 between runs of unchanged code; 31 rounds
 * (~2.5 min) cut the median's own spread by ~30 % (√(15/31)) (decision 69).
 */
const COLD_START_RUNS = 31;

/**
 * Time to import a bundle in a fresh Node process with the given environment: what a Lambda cold
 * start pays before the handler runs. `NODE_OPTIONS` in it applies to that process, as in Lambda.
 */
function importMs(file: string, env: Record<string, string> = {}): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true', ...env },
  });
  if (result.status !== 0) throw new Error(`import of ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
}

/**
 * Each function's environment in the prod template (what its config parses at init, and Lambda's
 * `NODE_OPTIONS`), and the runtime options alone for the floor and the probes: every figure is
 * taken the way Lambda would start that code.
 */
export interface LambdaEnvironments {
  of: (name: FunctionName) => Record<string, string>;
  runtime: Record<string, string>;
}

export function prodEnvironments(): LambdaEnvironments {
  const environments = synthesizedEnvironments('prod');
  const nodeOptions = [...environments.values()][0]?.NODE_OPTIONS;
  return {
    of: (name) => environments.get(name) ?? {},
    runtime: nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions },
  };
}

export async function coldStarts(built: BuiltFunction[], environments: LambdaEnvironments) {
  const baselineDir = join(BUILD_DIR, '..', 'bench');
  mkdirSync(baselineDir, { recursive: true });
  const baseline = join(baselineDir, 'trivial.mjs');
  writeFileSync(baseline, 'export const handler = async () => ({ statusCode: 200, body: "" });\n');
  const floor = await buildSdkFloor();
  // Each function's own SDK floor (issue 29): a bundle creating just the AWS SDK clients its
  // bundle loads (DynamoDB, and SQS, EventBridge or S3 where it uses them), built once per set.
  const ownFloors = new Map<string, { file: string; functions: BuiltFunction[] }>();
  for (const fn of built) {
    if (fn.sdkClients.length === 0) continue;
    const key = clientsLabel(fn);
    const group = ownFloors.get(key) ?? { file: await buildClientFloor(fn.sdkClients), functions: [] };
    group.functions.push(fn);
    ownFloors.set(key, group);
  }
  // Interleaved and paired: each round imports the trivial handler, the shared SDK floor and every
  // function once, and before and after each function its own floor; the function's ratio in that
  // round is taken against the mean of those two floor imports. This machine has slow spells that
  // last seconds to minutes (a floor's median moved 42 → 58 ms between runs of one session), which
  // a ratio of medians taken at different moments reads as a slower function: the goal column is
  // the median of the paired ratios (decisions 66 and 120), with ratios of medians beside it.
  const times = new Map<string, number[]>();
  const pairedRatios = new Map<string, number[]>();
  const sample = (key: string, file: string, env: Record<string, string>) => {
    const ms = importMs(file, env);
    times.set(key, [...(times.get(key) ?? []), ms]);
    return ms;
  };
  for (let round = 0; round < COLD_START_RUNS; round++) {
    sample('(trivial)', baseline, environments.runtime);
    sample('(sdk floor)', floor, environments.runtime);
    for (const [clients, group] of ownFloors) {
      const floorKey = `(clients ${clients})`;
      let floorBefore = sample(floorKey, group.file, environments.runtime);
      for (const fn of group.functions) {
        const ms = sample(fn.name, fn.file, environments.of(fn.name));
        const floorAfter = sample(floorKey, group.file, environments.runtime);
        pairedRatios.set(fn.name, [
          ...(pairedRatios.get(fn.name) ?? []),
          ms / ((floorBefore + floorAfter) / 2),
        ]);
        floorBefore = floorAfter;
      }
    }
    // A function that loads no SDK client (the OpenAPI document) has no floor of its own to pair with.
    for (const fn of built.filter((each) => each.sdkClients.length === 0))
      sample(fn.name, fn.file, environments.of(fn.name));
  }
  const baselineMs = median(times.get('(trivial)') ?? []);
  const floorMs = median(times.get('(sdk floor)') ?? []);
  const rows = built.map((fn) => {
    const ms = median(times.get(fn.name) ?? []);
    const ownFloorMs = median(times.get(`(clients ${clientsLabel(fn)})`) ?? []);
    return {
      name: fn.name,
      kib: fn.bytes / 1024,
      ms,
      ratio: ms / baselineMs,
      ownFloorRatio: fn.sdkClients.length === 0 ? Number.NaN : median(pairedRatios.get(fn.name) ?? []),
      ownFloorRatioOfMedians: fn.sdkClients.length === 0 ? Number.NaN : ms / ownFloorMs,
      ratioOfMedians: ms / floorMs,
      clients: clientsLabel(fn),
    };
  });
  const ratio = (value: number) => (Number.isNaN(value) ? '–' : fmt(value, 2));
  console.log(
    `\n## Bundles and cold import (median of ${COLD_START_RUNS} fresh Node processes, interleaved)\n`,
  );
  console.log(
    `Each function with its prod template's environment; the floors and the trivial handler with the same runtime options (${JSON.stringify(environments.runtime)}). "Own SDK floor": a bundle creating just the AWS SDK clients that function loads, imported before and after the function in every round.\n`,
  );
  console.log(
    '| function | bundle KiB | import ms | × trivial handler | its SDK clients | × own SDK floor, paired (goal ≤ 1.3) | × own SDK floor, medians | × shared SDK floor, medians |',
  );
  console.log('|---|---:|---:|---:|---|---:|---:|---:|');
  for (const row of rows)
    console.log(
      `| ${row.name} | ${fmt(row.kib)} | ${fmt(row.ms)} | ${fmt(row.ratio)} | ${row.clients || '–'} | ${ratio(row.ownFloorRatio)} | ${ratio(row.ownFloorRatioOfMedians)} | ${fmt(row.ratioOfMedians, 2)} |`,
    );
  for (const [clients] of ownFloors) {
    const ms = median(times.get(`(clients ${clients})`) ?? []);
    console.log(
      `| (own SDK floor: ${clients}) | – | ${fmt(ms)} | ${fmt(ms / baselineMs)} | ${clients} | – | 1.00 | ${fmt(ms / floorMs, 2)} |`,
    );
  }
  console.log(
    `| (shared SDK floor: DynamoDB + document + SQS clients) | – | ${fmt(floorMs)} | ${fmt(floorMs / baselineMs)} | dynamodb, sqs | – | – | 1.00 |`,
  );
  console.log(
    `| (trivial handler) | 0.1 | ${fmt(baselineMs)} | 1.0 | – | – | – | ${fmt(baselineMs / floorMs, 2)} |`,
  );
  const measured = rows.filter((row) => !Number.isNaN(row.ownFloorRatio));
  console.log(
    `\nWithin 1.3× of their own SDK floor: ${measured.filter((row) => row.ownFloorRatio <= 1.3).length} of ${measured.length} functions paired (${measured.filter((row) => row.ownFloorRatioOfMedians <= 1.3).length} by the ratio of medians); within 1.3× of the shared SDK floor: ${rows.filter((row) => row.ratioOfMedians <= 1.3).length} of ${rows.length}.`,
  );
  return rows;
}

function clientsLabel(fn: BuiltFunction): string {
  return fn.sdkClients.map((client) => client.replace('@aws-sdk/client-', '')).join(', ');
}

/**
 * What each dependency costs a cold start, on top of the SDK floor (issue 8, item 8: "measure each
 * lever"): zod as we use it against zod/mini, Powertools' logger + metrics + middy, the X-Ray
 * tracer, an Intl formatter, the S3 client; and one function with AWS SDK call tracing on (a
 * stage's `traceAwsSdkCalls`) and off.
 */
export async function coldStartLevers(built: BuiltFunction[], environments: LambdaEnvironments) {
  const probes = [
    {
      name: 'zod-object',
      label: "+ zod classic, `import { z } from 'zod'` (one object: nothing tree-shaken)",
      imports: "import { z } from 'zod';",
      uses: 'z.string()',
    },
    {
      name: 'zod',
      label: "+ zod classic, `import * as z from 'zod'` (as the functions import it)",
      imports: "import * as z from 'zod';",
      uses: 'z.string()',
    },
    { name: 'zod-mini', label: '+ zod/mini', imports: "import * as z from 'zod/mini';", uses: 'z.string()' },
    {
      name: 'powertools',
      label: '+ Powertools logger, metrics, middy',
      imports: [
        "import { Logger } from '@aws-lambda-powertools/logger';",
        "import { Metrics } from '@aws-lambda-powertools/metrics';",
        "import middy from '@middy/core';",
      ].join('\n'),
      uses: "middy() && new Logger() && new Metrics({ namespace: 'bench' })",
    },
    {
      name: 'xray',
      label: '+ Powertools tracer (X-Ray SDK)',
      imports: "import { Tracer } from '@aws-lambda-powertools/tracer';",
      uses: 'new Tracer()',
    },
    {
      name: 'intl',
      label: '+ one `Intl.NumberFormat` (ICU setup; the voucher page built two, decision 60)',
      imports: '',
      uses: "new Intl.NumberFormat('es-PE')",
    },
    {
      name: 's3',
      label: '+ the S3 client (reconcile-upload loads it at import, decision 118)',
      imports: "import { S3Client } from '@aws-sdk/client-s3';",
      uses: 'new S3Client({})',
    },
  ];
  const floor = await buildSdkFloor();
  const { runtime } = environments;
  const files = new Map<string, { file: string; env: Record<string, string> }>([
    ['(sdk floor)', { file: floor, env: runtime }],
    ['(sdk floor, without NODE_OPTIONS)', { file: floor, env: {} }],
  ]);
  for (const probe of probes) files.set(probe.label, { file: await buildSdkFloor(probe), env: runtime });
  const getOrder = built.find((fn) => fn.name === 'get-order');
  if (getOrder) {
    const env = environments.of('get-order');
    files.set('get-order, AWS SDK calls untraced (default)', { file: getOrder.file, env });
    files.set('get-order, AWS SDK calls traced', {
      file: getOrder.file,
      env: { ...env, TRACE_AWS_SDK_CALLS: 'true' },
    });
    const { NODE_OPTIONS: _sourceMaps, ...withoutSourceMaps } = env;
    files.set('get-order, without NODE_OPTIONS (no source-mapped stack traces)', {
      file: getOrder.file,
      env: withoutSourceMaps,
    });
  }
  const times = new Map<string, number[]>();
  for (let round = 0; round < RUNS; round++)
    for (const [label, { file, env }] of files)
      times.set(label, [...(times.get(label) ?? []), importMs(file, env)]);
  const floorMs = median(times.get('(sdk floor)') ?? []);
  console.log(`\n## Cold-start levers (median of ${RUNS} fresh processes, interleaved)\n`);
  console.log(`Probes and the floor with the functions' runtime options (${JSON.stringify(runtime)}).\n`);
  console.log('| bundle | import ms | over the floor ms | × SDK floor |');
  console.log('|---|---:|---:|---:|');
  for (const [label, samples] of times) {
    const ms = median(samples);
    console.log(`| ${label} | ${fmt(ms)} | ${fmt(ms - floorMs)} | ${fmt(ms / floorMs, 2)} |`);
  }
}
