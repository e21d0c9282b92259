import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as reconcileUpload } from '#handlers/reconcile-upload.handler';
import type { Order } from '#model/order';
import { resetConfigForTests } from '#platform/config';
import { presignUpload, resetS3PresignerForTests, S3ObjectError } from '#platform/s3';
import { objectBody, objectMetadata, resetS3ObjectsForTests } from '#platform/s3-objects';
import { listSettlements } from '#store/settlements-repository';
import { api, eventually, orderRequest, sandbox, stack } from '../support/api';
import { type S3StandIn, startS3StandIn } from '../support/s3-stand-in';

/**
 * The settlement report upload path against the local S3 stand-in (s3rver, a real S3 protocol
 * server on 127.0.0.1, behind a front that checks flexible checksums as S3 does): the presigned
 * URL POST /v1/settlements/uploads hands out, the upload through it as a marketplace would send
 * it, and the reconcile-upload function reading the report back (HEAD + GET) through the SDK's S3
 * client and importing it into DynamoDB Local.
 */
const BUCKET = 'settlement-reports';
const saved = { ...process.env };
let s3: S3StandIn;

function resetS3Clients(): void {
  resetS3PresignerForTests();
  resetS3ObjectsForTests();
}

beforeAll(async () => {
  s3 = await startS3StandIn([BUCKET]);
  process.env.S3_ENDPOINT = s3.endpoint;
  resetConfigForTests();
  resetS3Clients();
});

afterAll(async () => {
  await s3.close();
  process.env = { ...saved };
  resetConfigForTests();
  resetS3Clients();
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

  it('accept a presigned PUT sent with plain fetch and no checksum header (checksums only when required)', async () => {
    const key = `incoming/${randomUUID()}.csv`;
    const url = await presignUpload({
      bucket: BUCKET,
      key,
      contentType: 'text/csv',
      metadata: { 'file-name': 'curl.csv' },
      expiresInSeconds: 60,
    });
    const body = 'fecha,cip,monto\n2026-12-03,1234567,100.00\n';
    // What a browser or `curl -T` sends: the signed content type and the bytes, nothing else.
    const upload = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body });
    expect(upload.status, await upload.clone().text()).toBe(200);

    const chunks: Buffer[] = [];
    for await (const chunk of await objectBody(BUCKET, key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(body);
    expect(await objectMetadata(BUCKET, key)).toEqual({ 'file-name': 'curl.csv' });
  });

  it('are refused, as S3 refuses them, when the URL signs the checksum of an empty body (the SDK default)', async () => {
    // The stand-in's check, held against what made every real upload fail (aws-sdk-js-v3#6994):
    // the SDK's presigner with its default checksum setting.
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true });
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: BUCKET, Key: `incoming/${randomUUID()}.csv`, ContentType: 'text/csv' }),
      { expiresIn: 60, signableHeaders: new Set(['content-type']) },
    );
    client.destroy();
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const upload = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n',
    });
    expect(upload.status).toBe(400);
    expect(await upload.text()).toContain('<Code>BadDigest</Code>');
  });

  it('answer a missing report with S3 error and status, not a hang or an empty stream', async () => {
    const missing = objectMetadata(BUCKET, 'incoming/never-uploaded.csv');
    await expect(missing).rejects.toBeInstanceOf(S3ObjectError);
    await expect(missing).rejects.toMatchObject({ statusCode: 404 });
    await expect(objectBody(BUCKET, 'incoming/never-uploaded.csv')).rejects.toThrow(/NoSuchKey \(404\)/);
  });
});
