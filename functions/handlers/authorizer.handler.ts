import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { config } from '#platform/config';
import { lambdaHandler } from '#platform/lambda-handler';
import {
  looksLikeJwt,
  MAX_TOKEN_LENGTH,
  PersonTokenRejected,
  verifyPersonToken,
} from '#platform/person-token';
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
 *
 * People (the console, issue 31) send their OpenID Connect access token instead of a key
 * (decision 109): `personPolicy` below. Same scopes, same seller scoping, same principal field.
 */
export async function run(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headerValue = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const bearer = /^Bearer\s+(\S+)$/i.exec(headerValue ?? '')?.[1];
  if (bearer !== undefined && bearer.length <= MAX_TOKEN_LENGTH && looksLikeJwt(bearer)) {
    return personPolicy(event, bearer);
  }
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
    return deny(event);
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

function deny(event: APIGatewayRequestAuthorizerEvent): APIGatewayAuthorizerResult {
  const [arnPrefix = '', stage = '*'] = event.methodArn.split('/');
  return {
    principalId: 'anonymous',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${arnPrefix}/${stage}/*` }],
    },
  };
}

/**
 * A person's access token: verified (JWKS, issuer, audience, expiry), then described to the
 * handlers exactly as a key is (keyId, keyName, principal, scopes, sellerId), so every route checks
 * one permission model and every audit entry names the person: `keyId` is `person:<subject>`,
 * `keyName` their name, `principal` their e-mail (a key issued to that e-mail is the same person
 * for maker-checker, decision 76). An invalid token is a Deny (401), as an unknown key is; an issuer
 * whose keys (JWKS) cannot be fetched is a failure (503), as an unreadable key store is.
 *
 * API Gateway caches this Allow per token for `authorizerCacheTtl` (lib/stage-config.ts), which
 * can outlive the token's expiry by at most that long (five minutes at most).
 */
async function personPolicy(
  event: APIGatewayRequestAuthorizerEvent,
  token: string,
): Promise<APIGatewayAuthorizerResult> {
  let person: Awaited<ReturnType<typeof verifyPersonToken>>;
  try {
    person = await verifyPersonToken(token);
  } catch (error) {
    if (error instanceof PersonTokenRejected) {
      logger.info('rejected access token', { reason: error.message });
      return deny(event);
    }
    logger.error('Access token could not be checked: failing the request, not denying it', { error });
    throw error;
  }
  const usageKey = config().CONSOLE_USAGE_KEY;
  if (usageKey === undefined) throw new Error('CONSOLE_USAGE_KEY is not set: people cannot be throttled');
  const [arnPrefix = '', stage = '*'] = event.methodArn.split('/');
  return {
    principalId: `person:${person.subject}`,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
    },
    context: {
      keyId: `person:${person.subject}`,
      keyName: person.name,
      principal: person.principal,
      scopes: person.scopes.join(' '),
      ...(person.sellerId ? { sellerId: person.sellerId } : {}),
    },
    // People share the console's usage plan key (lib/constructs/): the console is one client.
    usageIdentifierKey: usageKey,
  };
}

export const handler = lambdaHandler(run);
