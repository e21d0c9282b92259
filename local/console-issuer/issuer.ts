import { generateKeyPairSync, type JsonWebKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import Provider from 'oidc-provider';
import { PERSON_CLAIMS } from '#contract/people';
import { closeServer, listen } from '../sandbox/server';
import {
  errorPage,
  issuerPageCsp,
  LOGIN_STYLESHEET,
  LOGIN_STYLESHEET_PATH,
  loggedOutPage,
  loginPage,
  logoutPage,
} from './login-page';
import { LOCAL_PEOPLE, type LocalPerson } from './people';

/** The console's OAuth client, its API audience and its scopes: the same names in AWS (Cognito). */
export const CONSOLE_CLIENT_ID = 'console';
export const CONSOLE_AUDIENCE = 'marketplace-api';
const CONSOLE_SCOPES = 'openid profile email';
/** An hour, as Cognito's default access token; the console signs in again after it. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface ConsoleIssuer {
  /** The issuer URL (discovery at `${url}/.well-known/openid-configuration`). */
  url: string;
  /** The issuer's private signing key (JWK), for tests that need a token it really signed. */
  signingKey: JsonWebKey & { kid: string };
  stop(): Promise<void>;
}

export interface ConsoleIssuerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** The API's base URL: the console lives at `${apiBaseUrl}/console/`. */
  apiBaseUrl: string;
  /** The seeded people's password. */
  password: string;
  /** Keeps the signing key across restarts (tokens issued before a restart stay valid). */
  dataDir?: string;
}

/** The RS256 signing key: kept in the data directory when there is one, like the cursor key. */
function signingKey(dataDir: string | undefined): JsonWebKey & { kid: string } {
  const file = dataDir === undefined ? undefined : resolve(dataDir, 'console-issuer-key.json');
  if (file !== undefined && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: `local-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
  if (file !== undefined && dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A standards-compliant OpenID Connect issuer for the console on the local stack (decision 108):
 * `oidc-provider` (certified), not a hand-rolled one. Authorization code + PKCE (S256) for one public
 * client, `console`; access tokens are RS256 JWTs for the resource `marketplace-api` carrying the
 * person's name, e-mail, groups and seller id, as Cognito's do in AWS (its pre-token-generation
 * trigger, lib/constructs/). Its sign-in page is our own es-PE form, not oidc-provider's
 * development pages; consent is implied (the console is the platform's own, first-party client).
 */
export async function startConsoleIssuer(options: ConsoleIssuerOptions): Promise<ConsoleIssuer> {
  const consoleOrigin = new URL(options.apiBaseUrl).origin;
  const key = signingKey(options.dataDir);
  const byEmail = new Map(LOCAL_PEOPLE.map((person) => [person.email, person]));
  const bySub = new Map(LOCAL_PEOPLE.map((person) => [person.sub, person]));
  const csp = issuerPageCsp(consoleOrigin);
  // RFC 8707 wants an absolute URI as the resource indicator: the API's URL. Its tokens' audience
  // is still the stage-independent name the authorizer checks (CONSOLE_AUDIENCE).
  const resource = options.apiBaseUrl;
  let provider: Provider | undefined;

  const html = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    response.end(body);
  };

  async function interaction(request: IncomingMessage, response: ServerResponse, path: string) {
    if (!provider) throw new Error('issuer not ready');
    const details = await provider.interactionDetails(request, response);
    const action = `/interaction/${details.uid}/login`;
    if (request.method === 'GET' && path === `/interaction/${details.uid}`) {
      return html(response, 200, loginPage({ action, clientName: 'Mercado Local' }));
    }
    if (request.method === 'POST' && path === action) {
      const form = await formBody(request);
      const email = (form.get('email') ?? '').trim().toLowerCase();
      const person = byEmail.get(email);
      if (person === undefined || !sameText(form.get('password') ?? '', options.password)) {
        // What was typed stays in the form (the e-mail, never the password).
        return html(response, 401, loginPage({ action, email, failed: true, clientName: 'Mercado Local' }));
      }
      return provider.interactionFinished(
        request,
        response,
        { login: { accountId: person.sub } },
        { mergeWithLastSubmission: false },
      );
    }
    response.writeHead(405, { allow: 'GET, POST' }).end();
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === LOGIN_STYLESHEET_PATH) {
      response.writeHead(200, {
        'content-type': 'text/css; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      response.end(LOGIN_STYLESHEET);
      return;
    }
    if (path.startsWith('/interaction/')) {
      interaction(request, response, path).catch((error: unknown) => {
        if (response.headersSent) return;
        // An expired or unknown interaction (cookie gone, sign-in started too long ago).
        html(
          response,
          400,
          errorPage('La sesión de inicio expiró', 'vuelva a la consola e intente de nuevo'),
        );
        if (!(error instanceof Error && /interaction/i.test(error.message))) console.error('[issuer]', error);
      });
      return;
    }
    if (!provider) {
      response.writeHead(503).end();
      return;
    }
    provider.callback()(request, response);
  });
  await listen(server, options.port, 'console issuer', 'ISSUER_PORT');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;

  const claimsOf = (person: LocalPerson) => ({
    sub: person.sub,
    name: person.name,
    email: person.email,
    email_verified: true,
    [PERSON_CLAIMS.groups]: person.groups,
    ...(person.sellerId ? { [PERSON_CLAIMS.sellerId]: person.sellerId } : {}),
  });

  provider = new Provider(url, {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'Consola',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${options.apiBaseUrl}/console/callback`],
        post_logout_redirect_uris: [`${options.apiBaseUrl}/console/`],
      },
    ],
    responseTypes: ['code'],
    // Public client: PKCE always (oidc-provider accepts S256 only).
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    // The console shows who signed in from its ID token (name, e-mail), with no userinfo call.
    conformIdTokenClaims: false,
    async findAccount(_ctx: unknown, sub: string) {
      const person = bySub.get(sub);
      if (person === undefined) return undefined;
      return { accountId: sub, claims: async () => claimsOf(person) };
    },
    // The API needs who the person is and what they may do in the access token itself.
    async extraTokenClaims(_ctx: unknown, token: { kind: string; accountId?: string }) {
      if (token.kind !== 'AccessToken' || token.accountId === undefined) return undefined;
      const person = bySub.get(token.accountId);
      if (person === undefined) return undefined;
      const { sub: _sub, email_verified: _verified, ...claims } = claimsOf(person);
      return claims;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(
          ctx: { body: string; type: string; set: (n: string, v: string) => void },
          form: string,
        ) {
          ctx.set('content-security-policy', csp);
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx: {
          body: string;
          type: string;
          set: (n: string, v: string) => void;
        }) {
          ctx.set('content-security-policy', csp);
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        // The console names no resource: its tokens are for the API.
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx: unknown, indicator: string) {
          if (indicator !== resource) throw new Error(`unknown resource ${indicator}`);
          return {
            scope: CONSOLE_SCOPES,
            audience: CONSOLE_AUDIENCE,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // First-party client: the grant is what the console asks for, with no consent screen.
    async loadExistingGrant(ctx: {
      oidc: { client: { clientId: string }; session: { accountId: string }; provider: Provider };
    }) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(CONSOLE_SCOPES);
      grant.addResourceScope(resource, CONSOLE_SCOPES);
      await grant.save();
      return grant;
    },
    interactions: { url: async (_ctx: unknown, found: { uid: string }) => `/interaction/${found.uid}` },
    // The token endpoint answers the console's origin (its fetch), nobody else's.
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === consoleOrigin,
    async renderError(
      ctx: { body: string; type: string; set: (n: string, v: string) => void },
      out: { error: string; error_description?: string },
    ) {
      ctx.set('content-security-policy', csp);
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description);
    },
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Where Cognito publishes its keys too, so a verifier finds them at the same path in both.
    routes: { jwks: '/.well-known/jwks.json' },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
  });

  return { url, signingKey: key, stop: () => closeServer(server) };
}
