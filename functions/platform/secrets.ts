import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from './config';

/**
 * A Secrets Manager secret's JSON, read with GetSecretValue and kept `maxAgeSeconds` (five
 * minutes unless a caller says) per container, so a rotation lands without a deploy. Read with
 * the SDK's own Secrets Manager client (decision 102; decision 64 had signed the one call by
 * hand), imported with the function (decision 123): loaded on demand it came as a bundle of its
 * own repeating the SDK core the DynamoDB client already loaded, ~25 ms on the first request that
 * reads a secret against ~2 ms at import. test/integration/secrets.test.ts runs it against a local
 * server that checks the SigV4 signature.
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

let client: SecretsManagerClient | undefined;

function secretsManager(): SecretsManagerClient {
  if (client === undefined) {
    const { AWS_REGION, SECRETS_MANAGER_ENDPOINT } = config();
    client = new SecretsManagerClient({
      region: AWS_REGION,
      ...(SECRETS_MANAGER_ENDPOINT === undefined ? {} : { endpoint: SECRETS_MANAGER_ENDPOINT }),
    });
  }
  return client;
}

async function readSecret(secretId: string): Promise<unknown> {
  const sm = secretsManager();
  let reply: { SecretString?: string | undefined };
  try {
    reply = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    // AWS's error type (the SDK's exception name) and status, as callers and logs read them.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw error;
    const code = (error as Error).name;
    const detail = (error as Error).message;
    throw new SecretReadError(
      code,
      status,
      `Secrets Manager GetSecretValue failed: ${code}${detail ? ` (${detail})` : ''}`,
    );
  }
  if (typeof reply.SecretString !== 'string') {
    throw new SecretReadError('NoSecretString', 200, 'The secret has no SecretString (a binary secret?).');
  }
  return JSON.parse(reply.SecretString);
}

/** For tests: forget cached secrets, and the client (region, endpoint, credentials). */
export function resetSecretsForTests(): void {
  cache.clear();
  inFlight.clear();
  client?.destroy();
  client = undefined;
}
