import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, JwtBaseError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { PERSON_CLAIMS, personAccess } from '#contract/people';
import type { Scope } from '#contract/routes';
import { config } from './config';

/**
 * A person's access token from the console (issue 31, decision 109), verified with aws-jwt-verify:
 * signature against the issuer's JWKS, issuer, audience (Cognito: the app client), expiry. In AWS
 * the issuer is the stage's Cognito user pool; locally the embedded OIDC issuer
 * (local/console-issuer/). The person's groups become the API's scopes (lib/people.ts), their
 * `seller_id` the seller scoping API keys have, their e-mail the principal maker-checker compares.
 */
export interface Person {
  /** The issuer's stable id for the person (`sub`). */
  subject: string;
  name: string;
  /** Whom maker-checker compares (decision 76): the e-mail, lower-cased; the subject without one. */
  principal: string;
  scopes: Scope[];
  sellerId?: string;
}

/** A token that is not valid (forged, expired, another audience): the caller gets 401. */
export class PersonTokenRejected extends Error {
  override name = 'PersonTokenRejected';
}

/** Three base64url segments: a JWS compact serialisation, never an API key (`pek_…`). */
export const looksLikeJwt = (token: string): boolean =>
  /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$/.test(token);

/** A bearer token longer than this is refused unread (an RS256 access token is about 1 KB). */
export const MAX_TOKEN_LENGTH = 8192;

/** aws-jwt-verify fetches over HTTPS only; the local issuer listens on plain HTTP at 127.0.0.1. */
const loopbackFetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (response.status !== 200) throw new FetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

type Verify = (token: string) => Promise<Record<string, unknown>>;
let verifier: Verify | undefined | null;

function makeVerifier(): Verify | null {
  const env = config();
  if (env.CONSOLE_USER_POOL_ID !== undefined) {
    if (env.CONSOLE_CLIENT_ID === undefined)
      throw new Error('CONSOLE_USER_POOL_ID given without CONSOLE_CLIENT_ID');
    // Cognito access tokens carry no `aud`: the app client is checked as `client_id` instead.
    const cognito = CognitoJwtVerifier.create({
      userPoolId: env.CONSOLE_USER_POOL_ID,
      tokenUse: 'access',
      clientId: env.CONSOLE_CLIENT_ID,
    });
    return async (token) => (await cognito.verify(token)) as Record<string, unknown>;
  }
  if (env.CONSOLE_ISSUER === undefined) return null;
  if (env.CONSOLE_AUDIENCE === undefined) throw new Error('CONSOLE_ISSUER given without CONSOLE_AUDIENCE');
  const issuer = env.CONSOLE_ISSUER.replace(/\/+$/, '');
  const local = new URL(issuer).protocol === 'http:';
  if (local && !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(issuer).hostname)) {
    throw new Error('CONSOLE_ISSUER may be plain HTTP only on the loopback interface (the local issuer)');
  }
  const rsa = JwtRsaVerifier.create(
    {
      issuer,
      audience: env.CONSOLE_AUDIENCE,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      ...(env.CONSOLE_CLIENT_ID ? { customJwtCheck: clientIs(env.CONSOLE_CLIENT_ID) } : {}),
    },
    local ? { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) } : undefined,
  );
  return async (token) => (await rsa.verify(token)) as Record<string, unknown>;
}

/** A token for our API but minted for another client of the same issuer is not the console's. */
const clientIs =
  (clientId: string) =>
  ({ payload }: { payload: Record<string, unknown> }) => {
    if (payload.client_id !== clientId) throw new PersonTokenRejected('token issued to another client');
  };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** The person a verified token names, and what they may do. */
export function personOf(claims: Record<string, unknown>): Person {
  const subject = text(claims.sub);
  if (subject === undefined) throw new PersonTokenRejected('token without a subject');
  const listed = claims[PERSON_CLAIMS.groups] ?? claims['cognito:groups'];
  const groups = Array.isArray(listed) ? listed.filter((group) => typeof group === 'string') : [];
  const email = text(claims.email)?.toLowerCase();
  const access = personAccess(groups, text(claims[PERSON_CLAIMS.sellerId]));
  return {
    subject,
    name: text(claims.name) ?? email ?? subject,
    principal: email ?? `person:${subject}`,
    ...access,
  };
}

/**
 * The person behind a console access token. Throws PersonTokenRejected for a token that is not
 * valid (the caller is told 401); any other error means it could not be checked (the issuer's keys
 * unreachable), which the authorizer reports as a failure (503), never as a bad token.
 */
export async function verifyPersonToken(token: string): Promise<Person> {
  if (verifier === undefined) verifier = makeVerifier();
  if (verifier === null) throw new PersonTokenRejected('this stage has no console sign-in');
  let claims: Record<string, unknown>;
  try {
    claims = await verifier(token);
  } catch (error) {
    if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) throw error;
    if (error instanceof JwtBaseError || error instanceof PersonTokenRejected) {
      throw new PersonTokenRejected(error.message);
    }
    throw error;
  }
  return personOf(claims);
}

/** For tests that change the environment between stacks. */
export function resetPersonTokenVerifierForTests(): void {
  verifier = undefined;
}
