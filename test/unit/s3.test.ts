import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetConfigForTests } from '#platform/config';
import { type PresignedUpload, presignUpload, resetS3PresignerForTests } from '#platform/s3';

// Fixed credentials and clock, so URLs can be compared byte for byte. Ours is made by the SDK's
// presigner too (decision 118): the comparisons hold its configuration (checksums only when
// required), the hoisted metadata and the signed headers, not a signer of our own.
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SIGNING_DATE = new Date('2026-11-27T15:04:05Z');
const saved = { ...process.env };

beforeEach(() => {
  Object.assign(process.env, {
    AWS_REGION: 'sa-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.S3_ENDPOINT;
  resetConfigForTests();
  resetS3PresignerForTests();
});

afterEach(() => {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, saved);
  resetConfigForTests();
  resetS3PresignerForTests();
});

/** What the SDK's presigner writes for the same upload, with checksums only where S3 requires them. */
function sdkPresigned(
  upload: PresignedUpload,
  requestChecksumCalculation: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED',
) {
  const client = new S3Client({ region: 'sa-east-1', credentials: CREDENTIALS, requestChecksumCalculation });
  return getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: upload.bucket,
      Key: upload.key,
      ContentType: upload.contentType,
      Metadata: upload.metadata,
    }),
    {
      expiresIn: upload.expiresInSeconds,
      signableHeaders: new Set(['content-type']),
      signingDate: SIGNING_DATE,
    },
  );
}

const uploads: PresignedUpload[] = [
  {
    bucket: 'prod-settlement-reports-1a2b3c',
    key: 'incoming/5f0c1f3e-8d4e-4c1e-9a53-2f7f9e1b6c10.csv',
    contentType: 'text/csv',
    metadata: { 'file-name': 'liquidacion noviembre.csv', 'imported-by': 'key_01HX', partial: 'false' },
    expiresInSeconds: 900,
  },
  {
    bucket: 'reports',
    key: 'incoming/a b+c(1)*.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    metadata: { 'file-name': 'reporte_ñandú.xlsx', partial: 'true' },
    expiresInSeconds: 3600,
  },
];

describe('presigned report uploads', () => {
  it('are the AWS SDK presigner configured to add checksums only when required', async () => {
    for (const upload of uploads)
      expect(await presignUpload(upload, SIGNING_DATE)).toBe(await sdkPresigned(upload, 'WHEN_REQUIRED'));
  });

  it('carry no checksum of the empty body the SDK signs by default (aws-sdk-js-v3#6994)', async () => {
    const [upload] = uploads as [PresignedUpload];
    const ours = new URL(await presignUpload(upload, SIGNING_DATE));
    const sdkDefault = new URL(await sdkPresigned(upload, 'WHEN_SUPPORTED'));
    // What made every real upload through our URLs fail: CRC32 of zero bytes, signed in.
    expect(sdkDefault.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    expect([...ours.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(ours.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(ours.searchParams.get('x-amz-meta-file-name')).toBe('liquidacion noviembre.csv');
    expect(ours.host).toBe('prod-settlement-reports-1a2b3c.s3.sa-east-1.amazonaws.com');
  });

  it("are path-style against the stage's S3 endpoint (the local stand-in)", async () => {
    process.env.S3_ENDPOINT = 'http://127.0.0.1:4569';
    resetConfigForTests();
    resetS3PresignerForTests();
    const [upload] = uploads as [PresignedUpload];
    const url = new URL(await presignUpload(upload, SIGNING_DATE));
    expect(`${url.origin}${url.pathname}`).toBe(`http://127.0.0.1:4569/${upload.bucket}/${upload.key}`);
  });

  it('sign a session token in, when the role has one (as in Lambda)', async () => {
    process.env.AWS_SESSION_TOKEN = 'session-token/with+chars=';
    resetS3PresignerForTests();
    const [upload] = uploads as [PresignedUpload];
    const url = new URL(await presignUpload(upload, SIGNING_DATE));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token/with+chars=');
  });
});
