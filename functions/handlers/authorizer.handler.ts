import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { lambdaHandler } from '#platform/lambda-handler';
import { logger } from '#platform/powertools';
import { findActiveApiKey, principalOf } from '#store/api-keys';

/**
 * REQUEST authorizer for every /v1 route: `Authorization: Bearer <api key>`, looked up by hash.
 * The policy allows the whole API so API Gateway may cache it per key (a revoked key is refused
 * once that cached decision expires: lib/stage-config.ts `authorizerCacheTtl`).
 *
 * An unknown or revoked key gets a Deny policy, not a thrown "Unauthorized": a throw counts as a
 * Lambda error, so every scanner with a made-up token would fire the authorizer's error alarm.
 * API Gateway answers a Deny with its ACCESS_DENIED response, which the stack maps to the same
 * 401 problem as UNAUTHORIZED; the local API server does the same.
 *
 * A store that cannot be read is not a missing key: the lookup's error is thrown, never turned
 * into a Deny (a marketplace told 401 believes its key revoked, and its SDK does not retry).
 * API Gateway answers an authorizer that fails with AUTHORIZER_FAILURE / _CONFIGURATION_ERROR,
 * which the stack maps to 503 problem+json with Retry-After; the local API server does the same.
 */
export async function run(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headerValue = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const match = /^Bearer\s+(\S{16,256})$/i.exec(headerValue ?? '');
  let record: Awaited<ReturnType<typeof findActiveApiKey>>;
  try {
    record = match?.[1] ? await findActiveApiKey(match[1]) : undefined;
  } catch (error) {
    logger.error('API keys could not be read: failing the request, not denying it', { error });
    throw error;
  }
  const [arnPrefix = '', stage = '*'] = event.methodArn.split('/');
  if (record === undefined) {
    logger.info('rejected API key');
    return {
      principalId: 'anonymous',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${arnPrefix}/${stage}/*` }],
      },
    };
  }
  return {
    principalId: record.keyId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
    },
    // Scopes travel as one string (authorizer context values are scalars); each handler checks the
    // scope its route needs (platform/http.ts), so this cached Allow can cover the whole API.
    context: {
      keyId: record.keyId,
      keyName: record.name,
      // Maker-checker compares people, not keys (decision 76).
      principal: principalOf(record),
      scopes: (record.scopes ?? ['admin']).join(' '),
      ...(record.sellerId ? { sellerId: record.sellerId } : {}),
    },
    // Names the client's API Gateway key, so the usage plan throttles each client on its own.
    usageIdentifierKey: record.usageKey,
  };
}

export const handler = lambdaHandler(run);
