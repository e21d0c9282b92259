import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { logger } from '../platform/powertools';
import { findActiveApiKey } from '../store/api-keys';

/**
 * REQUEST authorizer for every /v1 route: `Authorization: Bearer <api key>`, looked up by hash.
 * The policy allows the whole API so API Gateway may cache it per key (a revoked key is refused
 * once that cached decision expires: lib/config.ts `authorizerCacheTtl`). Throwing "Unauthorized" is how API Gateway says 401.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headerValue = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const match = /^Bearer\s+(\S{16,256})$/i.exec(headerValue ?? '');
  const record = match?.[1] ? await findActiveApiKey(match[1]) : undefined;
  if (record === undefined) {
    logger.info('rejected API key');
    throw new Error('Unauthorized');
  }
  const [arnPrefix = '', stage = '*'] = event.methodArn.split('/');
  return {
    principalId: record.keyId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
    },
    context: { keyId: record.keyId, keyName: record.name },
    // Names the client's API Gateway key, so the usage plan throttles each client on its own.
    usageIdentifierKey: record.usageKey,
  };
}
