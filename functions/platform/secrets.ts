import { HttpRequest } from '@smithy/core/protocols';
import { bodyText, sendSigned } from './aws-http';
import { config } from './config';

/**
 * A Secrets Manager secret's JSON, read with GetSecretValue and kept `maxAgeSeconds` (five
 * minutes unless a caller says) per container, so a rotation lands without a deploy — without `@aws-sdk/client-secrets-manager`
 * (decision 64): one call, signed and sent by the SDK pieces the DynamoDB client already loads
 * (platform/aws-http.ts), where the client and Powertools' parameters cost every PSP-calling
 * function ~17 KiB of code at each cold start. test/integration/secrets.test.ts runs it, and the
 * SDK's own client as the oracle, against a local server that checks the SigV4 signature.
 */

export class SecretReadError extends Error {
  constructor(
    /** AWS's error type (`ResourceNotFoundException`, `AccessDeniedException`, …) or `HTTP <status>`. */
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SecretReadError';
  }
}

/** The default cache age (see above). */
const SECRET_MAX_AGE_SECONDS = 300;

const cache = new Map<string, { value: unknown; readAtMs: number }>();
const inFlight = new Map<string, Promise<unknown>>();

export async function secretJson(secretId: string, maxAgeSeconds = SECRET_MAX_AGE_SECONDS): Promise<unknown> {
  const cached = cache.get(secretId);
  if (cached !== undefined && Date.now() - cached.readAtMs < maxAgeSeconds * 1000) return cached.value;
  // Concurrent invocations of one container share one read.
  let reading = inFlight.get(secretId);
  if (reading === undefined) {
    reading = readSecret(secretId).finally(() => inFlight.delete(secretId));
    inFlight.set(secretId, reading);
  }
  const value = await reading;
  cache.set(secretId, { value, readAtMs: Date.now() });
  return value;
}

async function readSecret(secretId: string): Promise<unknown> {
  const { AWS_REGION, SECRETS_MANAGER_ENDPOINT } = config();
  const endpoint = new URL(SECRETS_MANAGER_ENDPOINT ?? `https://secretsmanager.${AWS_REGION}.amazonaws.com`);
  const body = JSON.stringify({ SecretId: secretId });
  const response = await sendSigned(
    'secretsmanager',
    new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path: '/',
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body,
    }),
  );
  const text = await bodyText(response.body);
  const reply = parseJson(text);
  if (response.statusCode !== 200) {
    // AWS JSON errors: {"__type": "…#ResourceNotFoundException", "Message": "…"} (or "message").
    const code =
      String(reply.__type ?? `HTTP ${response.statusCode}`)
        .split('#')
        .pop() ?? '';
    const detail = String(reply.Message ?? reply.message ?? '');
    throw new SecretReadError(
      code,
      response.statusCode,
      `Secrets Manager GetSecretValue failed: ${code}${detail ? ` (${detail})` : ''}`,
    );
  }
  if (typeof reply.SecretString !== 'string') {
    throw new SecretReadError('NoSecretString', 200, 'The secret has no SecretString (a binary secret?).');
  }
  return JSON.parse(reply.SecretString);
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** For tests: forget cached secrets. */
export function resetSecretsForTests(): void {
  cache.clear();
  inFlight.clear();
}
