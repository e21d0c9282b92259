import * as oauth from 'oauth4webapi';
import {
  type ConsoleConfig,
  currentSession,
  forgetSession,
  type Person,
  type Session,
  saveSession,
} from './auth';

/**
 * OpenID Connect for the console (authorization code + PKCE, with oauth4webapi): loaded only when
 * someone signs in, comes back from the issuer, or signs out, so a signed-in load does not parse it.
 */
const PENDING = 'console.pending-sign-in';

let authorizationServer: oauth.AuthorizationServer | undefined;

function isLocal(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost';
}

/** Plain http is allowed only for the local issuer (`npm start`); anywhere else HTTPS. */
function options(config: ConsoleConfig) {
  return isLocal(new URL(config.issuer)) ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(config: ConsoleConfig): Promise<oauth.AuthorizationServer> {
  if (authorizationServer) return authorizationServer;
  const issuer = new URL(config.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options(config) });
  authorizationServer = await oauth.processDiscoveryResponse(issuer, response);
  return authorizationServer;
}

export const redirectUri = (config: ConsoleConfig) => `${config.apiBase}/console/callback`;
export const consoleHome = (config: ConsoleConfig) => `${config.apiBase}/console/`;

/** Sends the browser to the issuer: authorization code with PKCE (S256), state and nonce kept for the return. */
export async function signIn(config: ConsoleConfig, returnTo: string): Promise<void> {
  const as = await discover(config);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ codeVerifier, state, nonce, returnTo }));
  const url = new URL(as.authorization_endpoint ?? `${config.issuer}/auth`);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri(config));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', config.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  if (config.resource) url.searchParams.set('resource', config.resource);
  location.assign(url.href);
}

/**
 * The issuer sent the browser back to `/console/callback?code=…&state=…`: exchange the code
 * (with the verifier only this tab knows) and keep the tokens for this tab. Answers where to go next.
 */
export async function completeSignIn(config: ConsoleConfig, currentUrl: URL): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    codeVerifier: string;
    state: string;
    nonce: string;
    returnTo: string;
  } | null;
  if (!pending) throw new Error('no sign-in in progress in this tab');
  sessionStorage.removeItem(PENDING);
  const as = await discover(config);
  const client: oauth.Client = { client_id: config.clientId };
  const parameters = oauth.validateAuthResponse(as, client, currentUrl, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    redirectUri(config),
    pending.codeVerifier,
    options(config),
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  const idClaims = oauth.getValidatedIdTokenClaims(result);
  const accessClaims = decodeJwtPayload(result.access_token);
  const claims = { ...idClaims, ...accessClaims };
  const session: Session = {
    accessToken: result.access_token,
    idToken: result.id_token,
    expiresAt: Date.now() + (result.expires_in ?? 300) * 1000,
    person: personFrom(claims),
  };
  saveSession(session);
  return pending.returnTo;
}

/**
 * The access token's claims, read to choose which screens to show (groups, seller). Not a check:
 * the API verifies the token's signature, issuer, audience and expiry on every call.
 */
function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(json, (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function personFrom(claims: Record<string, unknown>): Person {
  const groups = claims.groups ?? claims['cognito:groups'];
  const sellerId = claims.seller_id ?? claims['custom:seller_id'];
  return {
    sub: String(claims.sub ?? ''),
    name: String(claims.name ?? claims.email ?? claims.sub ?? ''),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups: Array.isArray(groups) ? groups.map(String) : [],
    ...(typeof sellerId === 'string' ? { sellerId } : {}),
  };
}

/** Ends the session here and at the issuer (RP-initiated logout), back to the console's start. */
export async function signOut(config: ConsoleConfig): Promise<void> {
  const session = currentSession();
  forgetSession();
  const as = await discover(config).catch(() => undefined);
  if (!as?.end_session_endpoint) {
    location.assign(consoleHome(config));
    return;
  }
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('post_logout_redirect_uri', consoleHome(config));
  if (session?.idToken) url.searchParams.set('id_token_hint', session.idToken);
  location.assign(url.href);
}
