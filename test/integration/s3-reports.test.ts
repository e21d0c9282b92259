import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as reconcileUpload } from '#handlers/reconcile-upload.handler';
import type { Order } from '#model/order';
import { resetConfigForTests } from '#platform/config';
import { objectBody, objectMetadata, presignUpload, resetS3ForTests, S3ObjectError } from '#platform/s3';
import { listSettlements } from '#store/settlements-repository';
import { api, eventually, orderRequest, sandbox, stack } from '../support/api';

/**
 * The settlement report upload path against a real S3 protocol server (s3rver, on 127.0.0.1):
 * the presigned URL POST /v1/settlements/uploads hands out, the upload through it as a
 * marketplace would send it, and the reconcile-upload function reading the report back (HEAD +
 * GET) and importing it into DynamoDB Local. s3rver checks requests' shape and access key, not
 * SigV4 signatures: test/unit/s3.test.ts holds the signatures equal to the AWS SDK's.
 */
// s3rver's accounts live in its internal registry; the local stack's key must be one of them.
const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair: (id: string, secret: string) => void };
};

const BUCKET = 'settlement-reports';
const saved = { ...process.env };
let server: S3rver;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = (await server.run()) as AddressInfo;
  DUMMY_ACCOUNT.createKeyPair(process.env.AWS_ACCESS_KEY_ID ?? '', process.env.AWS_SECRET_ACCESS_KEY ?? '');
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  resetConfigForTests();
  resetS3ForTests();
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
  process.env = { ...saved };
  resetConfigForTests();
  resetS3ForTests();
});

const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 120_000 } as Context;

function objectCreated(key: string): S3Event {
  // S3 event keys arrive form-encoded (a space as "+"), as the handler decodes them.
  const encodedKey = encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
  return {
    Records: [{ s3: { bucket: { name: BUCKET }, object: { key: encodedKey } } }],
  } as unknown as S3Event;
}

async function paidOrder(): Promise<Order> {
  const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify: true });
  await eventually(async () => {
    const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    return current.status === 'PAID' ? current : undefined;
  });
  return order;
}

describe('settlement reports through S3', () => {
  it('upload through the presigned URL and are reconciled by the S3-triggered function', async () => {
    const order = await paidOrder();
    const reportResponse = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settledOn: '2026-12-03', only: [order.voucher.cip] }),
    });
    const report = Buffer.from(await reportResponse.arrayBuffer());
    const key = `incoming/${randomUUID()} noviembre.csv`;
    const metadata = {
      'file-name': `liquidacion-${order.id}.csv`,
      'imported-by': 'key_s3_test',
      partial: 'false',
    };

    const url = await presignUpload({
      bucket: BUCKET,
      key,
      contentType: 'text/csv',
      metadata,
      expiresInSeconds: 300,
    });
    // As docs/settlements.md tells a marketplace: PUT the file with the returned headers.
    const upload = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'text/csv',
        ...Object.fromEntries(Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
      },
      body: report,
    });
    expect(upload.status, await upload.clone().text()).toBe(200);

    expect(await objectMetadata(BUCKET, key)).toEqual(metadata);
    const chunks: Buffer[] = [];
    for await (const chunk of await objectBody(BUCKET, key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(report)).toBe(true);

    await reconcileUpload(objectCreated(key), context);
    const settlements = (await listSettlements(100)).items;
    const imported = settlements.find((settlement) => settlement.fileName === metadata['file-name']);
    expect(imported).toMatchObject({ status: 'COMPLETED', importedBy: 'key_s3_test' });
    expect(imported?.counts.matched).toBe(1);
  });

  it('answer a missing report with S3 error and status, not a hang or an empty stream', async () => {
    const missing = objectMetadata(BUCKET, 'incoming/never-uploaded.csv');
    await expect(missing).rejects.toBeInstanceOf(S3ObjectError);
    await expect(missing).rejects.toMatchObject({ statusCode: 404 });
    await expect(objectBody(BUCKET, 'incoming/never-uploaded.csv')).rejects.toThrow(/NoSuchKey \(404\)/);
  });
});
