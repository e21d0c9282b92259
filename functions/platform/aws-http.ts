import type { IncomingMessage } from 'node:http';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { config } from './config';

/**
 * AWS calls made without a service's SDK client (decision 61: S3): a request signed by the SDK's
 * own SigV4 signer and sent by its Node HTTP handler — the pieces the DynamoDB client already
 * loads — for services a function calls in one or three ways, where the client's endpoint rules
 * and protocol machinery cost its cold start far more than the calls need.
 */

const signers = new Map<string, SignatureV4>();
let handler: NodeHttpHandler | undefined;

/**
 * The signer for `service` in the stage's region, with Lambda's role credentials (the SDK's
 * default provider chain, refreshed as its clients do). S3 signs the path as sent; every other
 * service signs it URI-encoded twice (`uriEscapePath`).
 */
export function awsSigner(service: string): SignatureV4 {
  let signer = signers.get(service);
  if (signer === undefined) {
    signer = new SignatureV4({
      service,
      region: config().AWS_REGION,
      credentials: defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: service !== 's3',
    });
    signers.set(service, signer);
  }
  return signer;
}

export interface AwsResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  /** Read it to the end, or `resume()` it. */
  body: IncomingMessage;
}

/** Signs `request` for `service` and sends it; any status comes back (the caller reads errors). */
export async function sendSigned(service: string, request: HttpRequest): Promise<AwsResponse> {
  handler ??= new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 60_000 });
  const signed = await awsSigner(service).sign(request);
  const { response } = await handler.handle(signed as HttpRequest);
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body as IncomingMessage,
  };
}

/** The whole body as UTF-8 text, decoded once: a character split across two chunks stays whole. */
export async function bodyText(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** For tests that change the environment (region, endpoints, credentials) between calls. */
export function resetAwsHttpForTests(): void {
  signers.clear();
  handler?.destroy();
  handler = undefined;
}
