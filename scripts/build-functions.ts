import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '#lib/topology';

const require = createRequire(import.meta.url);
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(PROJECT_ROOT, '.build', 'functions');

export interface BuiltFunction {
  name: FunctionName;
  /** Folder handed to Lambda as the code asset. */
  directory: string;
  file: string;
  bytes: number;
  /** The AWS SDK clients its bundle loads at import (`@aws-sdk/client-*` packages): its own SDK floor. */
  sdkClients: string[];
}

/**
 * Bundles every function of lib/topology.ts with esbuild into .build/functions/<name>/index.mjs:
 * ESM, minified, AWS SDK v3 included (pinned with the code instead of the runtime's copy), with
 * source maps. The CDK stacks deploy exactly these folders and `npm run bench` measures them.
 */
export async function buildFunctions(): Promise<BuiltFunction[]> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const names = Object.keys(FUNCTIONS) as FunctionName[];
  return Promise.all(
    names.map(async (name) => {
      const directory = join(BUILD_DIR, name);
      mkdirSync(directory, { recursive: true });
      const file = join(directory, 'index.mjs');
      const result = await build(bundleOptions(join(PROJECT_ROOT, FUNCTIONS[name].entry), file));
      await buildOnDemandLibraries(result.metafile, directory);
      return {
        name,
        directory,
        file,
        bytes: outputBytes(result.metafile, file),
        sdkClients: loadedSdkClients(result.metafile, file),
      };
    }),
  );
}

/** The esbuild settings every function is bundled with (and the bench's SDK-only floor). */
function bundleOptions(entry: string, outfile: string) {
  return {
    entryPoints: { index: entry },
    outdir: dirname(outfile),
    // Code behind a dynamic import goes to a chunk of its own: a cold start parses only what it
    // evaluates (decision 55). Our own on-demand libraries are bundles of their own instead
    // (`onDemandLibraries`).
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node' as const,
    target: 'node24',
    format: 'esm' as const,
    minify: true,
    sourcemap: 'linked' as const,
    sourcesContent: false,
    metafile: true as const,
    legalComments: 'none' as const,
    mainFields: ['module', 'main'],
    // Some dependencies are CommonJS and call require(); give ESM bundles one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning' as const,
    plugins: [zodEnglishOnly, prebuiltOpenApiDocument, onDemandLibraries],
  };
}

/**
 * What no handler can go below: a bundle, built like every function, that imports and creates
 * the DynamoDB client, the document client and the SQS client — the AWS SDK floor the cold-start
 * bench compares each function with (issue 8's goal: ≤ 1.3× this). With `probe`, the floor plus
 * one more dependency (`imports`, and `uses` evaluated at import): how the bench prices each lever.
 */
export async function buildSdkFloor(probe?: {
  name: string;
  imports: string;
  uses: string;
}): Promise<string> {
  return buildFloorBundle(probe ? `probe-${probe.name}` : 'sdk-floor', [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    "import { SQSClient } from '@aws-sdk/client-sqs';",
    probe?.imports ?? '',
    'const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    'const sqs = new SQSClient({});',
    // Evaluated at import, as a function's module-level singletons (logger, clients, schemas) are.
    probe ? `const probe = ${probe.uses};` : '',
    `export const handler = async () => ({ statusCode: 200, body: String(Boolean(dynamo && sqs${probe ? ' && probe' : ''})) });`,
  ]);
}

/** Writes `lines` as the entry of a bench bundle under .build/bench/<name> and builds it like a function. */
async function buildFloorBundle(name: string, lines: string[]): Promise<string> {
  const directory = join(BUILD_DIR, '..', 'bench', name);
  mkdirSync(directory, { recursive: true });
  const entry = join(directory, 'entry.mjs');
  writeFileSync(entry, [...lines, ''].join('\n'));
  const file = join(directory, 'index.mjs');
  await build({
    ...bundleOptions(entry, file),
    absWorkingDir: PROJECT_ROOT,
    nodePaths: [join(PROJECT_ROOT, 'node_modules')],
  });
  return file;
}

/** The client class each `@aws-sdk/client-*` package exports, for the per-function SDK floors. */
const CLIENT_CLASSES: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-sqs': 'SQSClient',
  '@aws-sdk/client-eventbridge': 'EventBridgeClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
};

/**
 * A function's own SDK floor: a bundle, built like the functions, that imports and creates exactly
 * the AWS SDK clients `clients` (and the document client with DynamoDB's) — what that function
 * cannot load less than, whatever its code. The bench prints each function against it too.
 */
export async function buildClientFloor(clients: readonly string[]): Promise<string> {
  const unknown = clients.filter((client) => CLIENT_CLASSES[client] === undefined);
  // A floor without a client the function loads would flatter its ratio: say so instead.
  if (unknown.length > 0) throw new Error(`No floor for ${unknown.join(', ')}: add it to CLIENT_CLASSES`);
  const label = clients.map((client) => client.replace('@aws-sdk/client-', '')).join('+') || 'none';
  const created = clients.map((client) =>
    client === '@aws-sdk/client-dynamodb'
      ? 'DynamoDBDocumentClient.from(new DynamoDBClient({}))'
      : `new ${CLIENT_CLASSES[client]}({})`,
  );
  return buildFloorBundle(`client-floor-${label}`, [
    ...clients.map((client) => `import { ${CLIENT_CLASSES[client]} } from '${client}';`),
    ...(clients.includes('@aws-sdk/client-dynamodb')
      ? ["import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';"]
      : []),
    `const created = [${created.join(', ')}];`,
    'export const handler = async () => ({ statusCode: 200, body: String(created.length) });',
  ]);
}

/**
 * Libraries our code loads only on demand, with a dynamic `import()`: the X-Ray tracer (only in
 * stages that trace AWS SDK calls, platform/tracing.ts) and exceljs (only for an .xlsx settlement
 * report). Each is bundled into a file of its own beside the function's index.mjs rather than
 * split off as chunks: esbuild's splitting cuts the handler's static code into one chunk per set
 * of entry points sharing it, so a library that shares anything with the handler (Powertools
 * commons, tslib) made every cold start load two more modules — ~0.7 ms of create-order's import,
 * more than the few KiB the library bundle now repeats (decision 70).
 */
const ON_DEMAND_LIBRARIES: Record<string, string> = {
  '@aws-lambda-powertools/tracer': 'tracer',
  exceljs: 'exceljs',
  // The S3 client and presigner, read at the settlements function's first upload URL (decision 118).
  '#platform/s3-presigner': 's3-presigner',
  // CSV reading and writing, with the first report parsed or exported (decision 120): most of the
  // settlements and payouts functions' routes never touch CSV.
  'csv-parse': 'csv-parse',
  'csv-stringify/sync': 'csv-stringify',
};

const onDemandLibraries: Plugin = {
  name: 'on-demand-libraries',
  setup(plugin) {
    const escapedNames = Object.keys(ON_DEMAND_LIBRARIES).map((name) =>
      name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    );
    plugin.onResolve({ filter: new RegExp(`^(${escapedNames.join('|')})$`) }, (args) =>
      args.kind === 'dynamic-import'
        ? { path: `./${ON_DEMAND_LIBRARIES[args.path]}.mjs`, external: true }
        : undefined,
    );
  },
};

/** Bundles, beside a function, each on-demand library its code imports (see `onDemandLibraries`). */
async function buildOnDemandLibraries(metafile: Metafile, directory: string): Promise<void> {
  const imported = new Set(
    Object.values(metafile.outputs).flatMap((output) =>
      output.imports
        .filter((entry) => entry.external && entry.kind === 'dynamic-import')
        .map((entry) => entry.path),
    ),
  );
  for (const [library, name] of Object.entries(ON_DEMAND_LIBRARIES)) {
    if (!imported.has(`./${name}.mjs`)) continue;
    await build({
      ...bundleOptions(library, join(directory, `${name}.mjs`)),
      entryPoints: { [name]: library },
      absWorkingDir: PROJECT_ROOT,
    });
  }
}

/**
 * zod re-exports all ~40 of its message locales through the `z` namespace, so they cannot be
 * tree-shaken (~440 KiB of every bundle). Our API speaks English only: the bundles get a
 * locales index with just `en` (the default zod configures itself with).
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
      resolveDir: dirname(require.resolve('zod/v4/locales/en.js')),
    }));
  },
};

/**
 * The OpenAPI document is a function of the code alone (the route table and its zod schemas), so
 * the `openapi` function's bundle carries it as JSON generated here, at build time, instead of
 * zod's classic API and every response schema to generate it from in Lambda (decision 60).
 * `test/infra/bundles.test.ts` serves it from the bundle and compares it with the source's.
 */
const prebuiltOpenApiDocument: Plugin = {
  name: 'prebuilt-openapi-document',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]functions[\\/]http[\\/]openapi-document\.ts$/ }, async () => {
      const { buildOpenApiDocument } = await import('#http/openapi-document');
      const json = JSON.stringify(buildOpenApiDocument());
      return {
        contents: `export function buildOpenApiDocument() { return JSON.parse(${JSON.stringify(json)}); }\n`,
        loader: 'js',
      };
    });
  },
};

/** The `@aws-sdk/client-*` packages in the chunks `file` imports statically (what its import loads). */
function loadedSdkClients(metafile: Metafile, file: string): string[] {
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([path, output]) => [resolve(PROJECT_ROOT, path), output]),
  );
  const loaded = new Set<string>();
  const pending = [file];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    const output = outputs.get(path);
    if (output === undefined || loaded.has(path)) continue;
    loaded.add(path);
    for (const imported of output.imports)
      if (imported.kind === 'import-statement') pending.push(resolve(PROJECT_ROOT, imported.path));
  }
  const clients = new Set<string>();
  for (const path of loaded)
    for (const input of Object.keys(outputs.get(path)?.inputs ?? {})) {
      const client = input.match(/node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//)?.[1];
      if (client !== undefined) clients.add(client);
    }
  return [...clients].sort();
}

function outputBytes(metafile: Metafile, file: string): number {
  const entry = Object.entries(metafile.outputs).find(([path]) => resolve(PROJECT_ROOT, path) === file);
  return entry?.[1].bytes ?? 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildFunctions()
    .then((built) => {
      for (const fn of built)
        console.log(`${fn.name.padEnd(16)} ${(fn.bytes / 1024).toFixed(1).padStart(8)} KiB`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
