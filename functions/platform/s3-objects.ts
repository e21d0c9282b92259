import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectError, s3ClientConfig } from './s3';
import { traced } from './tracing';

/**
 * Reading an uploaded report (HEAD for its metadata, GET for its bytes) with the SDK's S3 client
 * (decision 118). Imported statically: reconcile-upload, the one function that reads reports,
 * makes these calls on every invocation, so the client is part of its floor in the cold-start
 * bench (scripts/build-functions.ts counts it from the bundle).
 */

let client: S3Client | undefined;

function s3(): S3Client {
  // Its calls are X-Ray subsegments in stages that trace AWS SDK calls, as DynamoDB's are.
  client ??= traced(new S3Client(s3ClientConfig()));
  return client;
}

/** The SDK's error as ours: S3's error code and HTTP status, or the error itself (no reply). */
async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw error;
    throw new S3ObjectError(status, `S3 ${what} failed: ${(error as Error).name} (${status})`);
  }
}

/** The object's user metadata (`x-amz-meta-*`, names without the prefix). */
export async function objectMetadata(bucket: string, key: string): Promise<Record<string, string>> {
  const reply = await call(`HEAD ${bucket}/${key}`, () =>
    s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
  );
  return { ...reply.Metadata };
}

/** The object's bytes as a stream (read it to the end, or destroy it). */
export async function objectBody(bucket: string, key: string): Promise<Readable> {
  const reply = await call(`GET ${bucket}/${key}`, () =>
    s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  // In Node the SDK's body is the HTTP response itself (an IncomingMessage).
  return reply.Body as Readable;
}

/** For tests that change the environment (region, endpoint, credentials) between calls. */
export function resetS3ObjectsForTests(): void {
  client?.destroy();
  client = undefined;
}
