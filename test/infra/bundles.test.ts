import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#http/openapi-document';
import { FUNCTIONS } from '#lib/topology';
import { BUILD_DIR } from '../../scripts/build-functions';

// What Lambda sets for every function; the bundles parse their environment as they load.
process.env.AWS_REGION ??= 'us-east-1';

// Built before any bundle loads: zod's schema registry is one per process, and a loaded bundle's
// copies of the schemas would clash with the source's ids.
const sourceDocument = buildOpenApiDocument();

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;
const context = { functionName: 'bundle-test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 5000 };
const load = async (name: string) =>
  (await import(pathToFileURL(join(BUILD_DIR, name, 'index.mjs')).href)) as {
    handler: Handler;
    run: Handler;
  };

/** What CDK deploys is what runs: the esbuild bundles load and answer (no AWS call needed for these). */
describe('function bundles', () => {
  it('exist for every function and export a handler and the plain function behind it', async () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const module = await load(name);
      expect(typeof module.handler, name).toBe('function');
      expect(typeof module.run, name).toBe('function');
    }
    // The plain function has no middleware: an invalid request throws instead of answering 400.
    process.env.TABLE_NAME ??= 'bundle-test-table';
    await expect(
      (await load('get-order')).run({ pathParameters: { id: 'bad' }, headers: {} }, context),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('validate with zod and answer problem+json (English messages kept by the slimmed zod)', async () => {
    process.env.TABLE_NAME ??= 'bundle-test-table';
    const { handler } = await load('get-order');
    const response = await handler({ pathParameters: { id: 'bad' }, headers: {} }, context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      errors: [{ field: 'path.id', message: 'Not an order id.' }],
    });
    const list = await (await load('list-orders')).handler(
      { queryStringParameters: { limit: '1000' }, headers: {} },
      context,
    );
    expect(JSON.parse(list.body).errors[0]).toMatchObject({
      field: 'query.limit',
      message: expect.stringMatching(/^Too big/),
    });
  });

  it('serve the same OpenAPI document as the source (the bundle carries it prebuilt)', () => {
    // The openapi bundle carries the document generated at build time (decision 60), from
    // schemas that are pure-marked and tree-shaken (decision 57) and registered in zod's global
    // registry: it must equal the document this process generates from the source. In a fresh
    // process, as Lambda loads it.
    const bundle = pathToFileURL(join(BUILD_DIR, 'openapi', 'index.mjs')).href;
    const script = `const { handler } = await import(${JSON.stringify(bundle)});
      const context = { functionName: 'bundle-test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 5000 };
      const response = await handler({ headers: {} }, context);
      process.stdout.write(JSON.stringify(response));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    expect(child.status, child.stderr).toBe(0);
    const response = JSON.parse(child.stdout) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(sourceDocument);
  });

  it('load their on-demand libraries from bundles of their own, not from chunks of the handler', () => {
    // The tracer (stages that trace AWS SDK calls), exceljs (.xlsx settlement reports), the S3
    // client with its presigner (upload URLs, decision 118) and the CSV reader and writer (decision
    // 120) are built beside the functions that import them (decision 70); each must load by itself
    // and give what the code takes from it, in a fresh process as Lambda would.
    const script = `
      const tracer = await import(${JSON.stringify(pathToFileURL(join(BUILD_DIR, 'get-order', 'tracer.mjs')).href)});
      const excel = await import(${JSON.stringify(pathToFileURL(join(BUILD_DIR, 'settlements', 'exceljs.mjs')).href)});
      const s3 = await import(${JSON.stringify(pathToFileURL(join(BUILD_DIR, 'settlements', 's3-presigner.mjs')).href)});
      const url = await s3.getSignedUrl(
        new s3.S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, requestChecksumCalculation: 'WHEN_REQUIRED' }),
        new s3.PutObjectCommand({ Bucket: 'reports', Key: 'incoming/a.csv' }),
      );
      const traced = new tracer.Tracer({ serviceName: 'bundle-test' }).captureAWSv3Client({ middlewareStack: { remove() {}, use() {} }, config: {} });
      const csvParse = await import(${JSON.stringify(pathToFileURL(join(BUILD_DIR, 'reconcile-upload', 'csv-parse.mjs')).href)});
      const csvStringify = await import(${JSON.stringify(pathToFileURL(join(BUILD_DIR, 'payouts', 'csv-stringify.mjs')).href)});
      const csv = csvStringify.stringify([['a', 'b,c']]);
      process.stdout.write(JSON.stringify([typeof traced, typeof new excel.default.Workbook().xlsx.load, new URL(url).host, typeof csvParse.parse, typeof csvParse.CsvError, csv]));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
    });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual([
      'object',
      'function',
      'reports.s3.us-east-1.amazonaws.com',
      'function',
      'function',
      'a,"b,c"\n',
    ]);
  });
});
