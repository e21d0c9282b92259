import { createPrivateKey, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { issueApiKey } from '../../scripts/api-keys';
import {
  api,
  asKey,
  bankDestination as destination,
  eventually,
  orderRequest,
  sandbox,
  stack,
} from '../support/api';
import { openSignInForm, signIn, submitSignIn } from '../support/console-login';

/**
 * People sign in as people (issue 31): the local OpenID Connect issuer the stack starts, driven
 * over HTTP as a browser drives it (authorization code + PKCE, its own sign-in form), and the API
 * accepting the access token beside API keys — one permission model, people in the audit chain,
 * maker-checker between people.
 */

type Problem = { status: number; code: string; title?: string };
type Page<T> = { items: T[]; nextCursor: string | null };

const client = () => ({ issuer: stack().consoleIssuerUrl, apiUrl: stack().apiUrl });
const asPerson = (token: string) => asKey(token);
const tokenOf = async (email: string) => (await signIn(client(), email)).accessToken;

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** A compact RS256 JWS over these claims with this private key (a JWK). */
function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  jwk: Record<string, unknown>,
) {
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256')
    .update(input)
    .sign(createPrivateKey({ key: jwk as never, format: 'jwk' }))
    .toString('base64url');
  return `${input}.${signature}`;
}

async function paidOrder(splits: { sellerId: string; amount: number; fee: number }[], amount: number) {
  const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest({ amount, splits }) })).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  return eventually(async () => {
    const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    return current.status === 'PAID' ? current : undefined;
  });
}

describe('the local console issuer', () => {
  it('publishes its discovery document: code + PKCE (S256), keys at /.well-known/jwks.json', async () => {
    const response = await fetch(`${stack().consoleIssuerUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: stack().consoleIssuerUrl,
      jwks_uri: `${stack().consoleIssuerUrl}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
    });
    expect(stack().env.CONSOLE_ISSUER).toBe(stack().consoleIssuerUrl);
    expect(stack().env.CONSOLE_CLIENT_ID).toBe('console');
    expect(stack().env.CONSOLE_AUDIENCE).toBe('marketplace-api');
  });

  it('signs people in on its own es-PE form (no script, strict CSP); a wrong password keeps the e-mail typed', async () => {
    const opened = await openSignInForm(client());
    expect(opened.form.status).toBe(200);
    expect(opened.page).toContain('<html lang="es-PE">');
    expect(opened.page).toContain('Correo electrónico');
    expect(opened.page).not.toMatch(/<script/i);
    expect(opened.form.headers.get('content-security-policy')).toContain("default-src 'none'");

    const refused = await submitSignIn(opened, client(), 'Finanzas@Local.test', 'not-the-password');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('location')).toBeNull();
    const again = await refused.text();
    expect(again).toContain('Correo o contraseña incorrectos.');
    expect(again).toContain('value="finanzas@local.test"');
    expect(again).not.toContain('not-the-password');
    // The same interaction then signs in with the right password.
    const accepted = await submitSignIn(opened, client(), 'finanzas@local.test', 'local-dev-password');
    expect(accepted.status).toBe(303);
  });

  it('refuses an authorization request without PKCE (the console is a public client)', async () => {
    const authorize = new URL(`${stack().consoleIssuerUrl}/auth`);
    authorize.search = new URLSearchParams({
      client_id: 'console',
      response_type: 'code',
      scope: 'openid profile email',
      redirect_uri: `${stack().apiUrl}/console/callback`,
      state: 'x',
    }).toString();
    const response = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('issues an RS256 JWT access token for marketplace-api naming the person, their groups and seller', async () => {
    const token = await tokenOf('vendedor@local.test');
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(header.alg).toBe('RS256');
    expect(claimsOf(token)).toMatchObject({
      iss: stack().consoleIssuerUrl,
      aud: 'marketplace-api',
      client_id: 'console',
      sub: 'local-vendedor',
      name: 'Víctor Vendedor',
      email: 'vendedor@local.test',
      groups: ['seller'],
      seller_id: 'seller-a',
    });
  });
});

describe('the API and a person’s access token', () => {
  it('accepts it beside API keys, with the scopes of the person’s groups', async () => {
    const finance = asPerson(await tokenOf('finanzas@local.test'));
    const listed = await finance('GET', '/v1/refunds?status=REQUESTED&limit=1');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    // Finance does not manage webhook endpoints: the same 403 an API key without the scope gets.
    const refused = await finance<Problem>('GET', '/v1/webhook-endpoints');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    const admin = asPerson(await tokenOf('admin@local.test'));
    expect((await admin('GET', '/v1/webhook-endpoints')).status).toBe(200);
  });

  it('refuses forged, expired, wrong-audience and unsigned tokens with 401 problem+json', async () => {
    const genuine = await tokenOf('admin@local.test');
    const claims = claimsOf(genuine);
    const now = Math.floor(Date.now() / 1000);
    const realKey = stack().consoleSigningKey;
    const header = { alg: 'RS256', typ: 'at+jwt', kid: realKey.kid };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherKey = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const [head, , signature] = genuine.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, groups: ['admin'], sub: 'x' })).toString('base64url')}.${signature}`;
    const cases: Record<string, string> = {
      // Same kid as the issuer's key, signed by someone else's.
      forged: signJwt(header, claims, otherKey),
      // Payload changed after signing.
      tampered,
      // Really signed by the issuer, an hour past its expiry.
      expired: signJwt(header, { ...claims, iat: now - 7200, exp: now - 3600 }, realKey),
      'wrong audience': signJwt(header, { ...claims, aud: 'another-api' }, realKey),
      'wrong issuer': signJwt(header, { ...claims, iss: 'https://evil.example' }, realKey),
      'another client': signJwt(header, { ...claims, client_id: 'not-the-console' }, realKey),
      unsigned: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${genuine.split('.')[1]}.${'A'.repeat(16)}`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const response = await asPerson(token)<Problem>('GET', '/v1/refunds?limit=1');
      expect(response.status, name).toBe(401);
      expect(response.headers.get('content-type'), name).toMatch(/^application\/problem\+json/);
    }
    // The genuine token still works (the refusals were about the tokens, not the issuer).
    expect((await asPerson(genuine)('GET', '/v1/refunds?status=REQUESTED&limit=1')).status).toBe(200);
  });

  it('binds a seller to their own seller id: seller-a’s data only', async () => {
    const seller = asPerson(await tokenOf('vendedor@local.test'));
    const other = `other-${randomUUID()}`;
    const order = await paidOrder(
      [
        { sellerId: 'seller-a', amount: 6000, fee: 600 },
        { sellerId: other, amount: 4000, fee: 400 },
      ],
      10000,
    );
    const onlyOther = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({ amount: 3000, splits: [{ sellerId: other, amount: 3000, fee: 300 }] }),
      })
    ).body;

    expect((await seller('GET', '/v1/sellers/seller-a/balance')).status).toBe(200);
    expect((await seller<Problem>('GET', `/v1/sellers/${other}/balance`)).status).toBe(404);
    const shared = await seller<Order>('GET', `/v1/orders/${order.id}`);
    expect(shared.body.splits).toEqual([{ sellerId: 'seller-a', amount: 6000, fee: 600 }]);
    expect((await seller<Problem>('GET', `/v1/orders/${onlyOther.id}`)).status).toBe(404);
    const listed = await seller<Page<Order>>('GET', `/v1/orders?reference=${onlyOther.reference}`);
    expect(listed.body.items).toEqual([]);
    // Platform routes are not a seller's.
    const anomalies = await seller<Problem>('GET', '/v1/anomalies');
    expect(anomalies.status).toBe(403);
  });

  it('records the person in the audit chain, and maker-checker compares people: console or linked key', async () => {
    const finance = asPerson(await tokenOf('finanzas@local.test'));
    const order = await paidOrder([{ sellerId: `mc-${randomUUID()}`, amount: 100000, fee: 10000 }], 100000);
    const requested = await finance<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      amount: 60000,
      reason: 'return',
      destination,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body.status).toBe('REQUESTED');
    expect(requested.body.requestedBy).toEqual({
      keyId: 'person:local-finanzas',
      keyName: 'Fiorella Finanzas',
      principal: 'finanzas@local.test',
    });

    // The requester cannot approve it in the console…
    const own = await finance<Problem>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('approver_must_differ');
    // …nor with an API key issued to the same person.
    const linked = await issueApiKey('finanzas laptop', {
      scopes: ['refunds:approve'],
      principal: 'finanzas@local.test',
    });
    const viaKey = await asKey(linked.apiKey)<Problem>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(viaKey.status).toBe(409);
    expect(viaKey.body.code).toBe('approver_must_differ');

    // Another finance person approves.
    const checker = asPerson(await tokenOf('finanzas2@local.test'));
    const approved = await checker<Refund>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.history.map((step) => [step.status, step.by.principal, step.by.keyName])).toEqual([
      ['REQUESTED', 'finanzas@local.test', 'Fiorella Finanzas'],
      ['APPROVED', 'finanzas2@local.test', 'Fernando Finanzas'],
    ]);
  });

  it('lets finance approve a refund support requested (the console’s done-when)', async () => {
    const support = asPerson(await tokenOf('soporte@local.test'));
    const order = await paidOrder([{ sellerId: `sp-${randomUUID()}`, amount: 80000, fee: 8000 }], 80000);
    const requested = await support<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      amount: 70000,
      reason: 'return',
      destination,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    // Support requests, it does not approve.
    const supportApproves = await support<Problem>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(supportApproves.status).toBe(403);
    const finance = asPerson(await tokenOf('finanzas@local.test'));
    const approved = await finance<Refund>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
  });
});
