import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { config } from './config';

/**
 * S3 through the AWS SDK's own client (decision 118; decision 61 had signed the three calls by
 * hand). This module presigns report uploads (the settlements function, one route of many) and
 * loads the S3 client and presigner for that at the first upload URL, as an on-demand library of
 * their own (`s3-presigner.ts`, scripts/build-functions.ts) — the settlements function's import
 * stays its DynamoDB floor. Reading the uploaded report (HEAD, GET) is `s3-objects.ts`, which
 * loads the client with the function: reconcile-upload needs it on every invocation.
 *
 * Checksums only when S3 requires them: by default the SDK's presigner signs the CRC32 of an
 * *empty* body into every PutObject URL (`x-amz-checksum-crc32=AAAAAA==`, aws/aws-sdk-js-v3#6994),
 * and S3 refuses any real upload through it. test/integration/s3-reports.test.ts uploads through
 * our URL with plain `fetch` to a local S3 stand-in that checks checksums as S3 does.
 */
export function s3ClientConfig(): S3ClientConfig {
  const { AWS_REGION, S3_ENDPOINT } = config();
  return {
    region: AWS_REGION,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A report read is a stream of a few MB at most; a stalled socket fails the invocation (retried).
    // (`throwOnRequestTimeout`: otherwise the SDK only logs a warning and keeps waiting, platform/aws.ts.)
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
    // Locally an S3 stand-in on one host: path-style (`/bucket/key`); in AWS virtual-hosted.
    ...(S3_ENDPOINT === undefined ? {} : { endpoint: S3_ENDPOINT, forcePathStyle: true }),
  };
}

/**
 * S3 answered an error. Its status is `statusCode`, not `status`: our handlers read `status` as
 * an API error's (reconcile-upload logs a 400 as a refused report instead of retrying).
 */
export class S3ObjectError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'S3ObjectError';
  }
}

export interface PresignedUpload {
  bucket: string;
  key: string;
  contentType: string;
  /** Stored as the object's `x-amz-meta-*`; the uploader sends them as headers too. */
  metadata: Record<string, string>;
  expiresInSeconds: number;
}

type Presigner = typeof import('./s3-presigner');
let presigning: Promise<{ sdk: Presigner; client: InstanceType<Presigner['S3Client']> }> | undefined;

function presigner() {
  // Bundled apart and imported by its subpath name: the build maps that name to the library's file.
  presigning ??= import('#platform/s3-presigner').then((sdk) => ({
    sdk,
    client: new sdk.S3Client(s3ClientConfig()),
  }));
  return presigning;
}

/**
 * A URL to PUT one object with, valid `expiresInSeconds`: the content type signed (the uploader
 * must send it), the metadata in the query, the payload unsigned — and no checksum of a body that
 * does not exist yet.
 */
export async function presignUpload(upload: PresignedUpload, signingDate?: Date): Promise<string> {
  const { sdk, client } = await presigner();
  return sdk.getSignedUrl(
    client,
    new sdk.PutObjectCommand({
      Bucket: upload.bucket,
      Key: upload.key,
      ContentType: upload.contentType,
      Metadata: upload.metadata,
    }),
    {
      expiresIn: upload.expiresInSeconds,
      signableHeaders: new Set(['content-type']),
      ...(signingDate === undefined ? {} : { signingDate }),
    },
  );
}

/** For tests that change the environment (region, endpoint, credentials) between calls. */
export function resetS3PresignerForTests(): void {
  void presigning?.then(({ client }) => client.destroy());
  presigning = undefined;
}
