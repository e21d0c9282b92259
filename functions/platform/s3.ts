import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { buildQueryString, extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import { awsSigner, bodyText, resetAwsHttpForTests, sendSigned } from './aws-http';
import { config } from './config';

/**
 * The three S3 calls the settlement functions make — presign a report upload (PUT), then HEAD and
 * GET the uploaded report — signed by the AWS SDK's own SigV4 signer and sent by its Node HTTP
 * handler, without `@aws-sdk/client-s3` (decision 61). Two reasons: that client cost each of the
 * two functions ~15 ms of every cold start (its endpoint rules, checksum and XML machinery, for
 * three calls); and its presigner, since SDK 3.729, signs the CRC32 of an *empty* body into every
 * PutObject URL (`x-amz-checksum-crc32=AAAAAA==`, aws/aws-sdk-js-v3#6994), so S3 refused every
 * real upload through the URLs we handed out. test/unit/s3.test.ts holds our URL equal to the
 * SDK's presigner configured to add checksums only when required; test/integration/s3.test.ts
 * uploads through it and reads the report back from s3rver, a real S3 protocol server.
 */

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

interface S3Endpoint {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** Path-style (`/bucket/key`) against an endpoint override; virtual-hosted in AWS. */
  pathStyle: boolean;
}

function endpointFor(bucket: string): S3Endpoint {
  const override = config().S3_ENDPOINT;
  if (override === undefined)
    return {
      protocol: 'https:',
      hostname: `${bucket}.s3.${config().AWS_REGION}.amazonaws.com`,
      pathStyle: false,
    };
  const url = new URL(override);
  return {
    protocol: url.protocol === 'http:' ? 'http:' : 'https:',
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    pathStyle: true,
  };
}

/** The request for `key` in `bucket`: each path segment encoded as S3 expects, `/` kept. */
function objectRequest(
  method: 'PUT' | 'GET' | 'HEAD',
  bucket: string,
  key: string,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): HttpRequest {
  const endpoint = endpointFor(bucket);
  const encodedKey = key.split('/').map(extendedEncodeURIComponent).join('/');
  const host = endpoint.port === undefined ? endpoint.hostname : `${endpoint.hostname}:${endpoint.port}`;
  return new HttpRequest({
    method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
    path: endpoint.pathStyle ? `/${bucket}/${encodedKey}` : `/${encodedKey}`,
    headers: { host, ...headers },
    query,
  });
}

export interface PresignedUpload {
  bucket: string;
  key: string;
  contentType: string;
  /** Stored as the object's `x-amz-meta-*`; the uploader sends them as headers too. */
  metadata: Record<string, string>;
  expiresInSeconds: number;
}

/**
 * A URL to PUT one object with, valid `expiresInSeconds`: content type signed (the uploader must
 * send it), metadata and the unsigned payload in the query, as the SDK's presigner writes it —
 * without a checksum of a body that does not exist yet.
 */
export async function presignUpload(upload: PresignedUpload, signingDate?: Date): Promise<string> {
  const metadata = Object.fromEntries(
    Object.entries(upload.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
  );
  const request = objectRequest(
    'PUT',
    upload.bucket,
    upload.key,
    { 'content-type': upload.contentType, 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD, ...metadata },
    { 'x-id': 'PutObject' },
  );
  const presigned = await awsSigner('s3').presign(request, {
    expiresIn: upload.expiresInSeconds,
    signableHeaders: new Set(['content-type']),
    ...(signingDate === undefined ? {} : { signingDate }),
  });
  const port = presigned.port === undefined ? '' : `:${presigned.port}`;
  return `${presigned.protocol}//${presigned.hostname}${port}${presigned.path}?${buildQueryString(presigned.query ?? {})}`;
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

async function send(request: HttpRequest): Promise<IncomingMessage> {
  const response = await sendSigned('s3', request);
  if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
  let text = '';
  if (request.method !== 'HEAD') text = await bodyText(response.body);
  else response.body.resume();
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.statusCode}`;
  throw new S3ObjectError(
    response.statusCode,
    `S3 ${request.method} ${request.path} failed: ${code} (${response.statusCode})`,
  );
}

/** The object's user metadata (`x-amz-meta-*`, names without the prefix). */
export async function objectMetadata(bucket: string, key: string): Promise<Record<string, string>> {
  const response = await send(objectRequest('HEAD', bucket, key));
  response.resume();
  return Object.fromEntries(
    Object.entries(response.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
  );
}

/** The object's bytes as a stream (read it to the end, or destroy it). */
export async function objectBody(bucket: string, key: string): Promise<Readable> {
  return send(objectRequest('GET', bucket, key));
}

/** For tests that change the environment (region, endpoint) after a call. */
export function resetS3ForTests(): void {
  resetAwsHttpForTests();
}
