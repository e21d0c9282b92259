import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#lib/topology';
import { listApiKeys, storeApiKey } from '#store/api-keys';
import { type ApiServer, startApiServer } from '../../local/api-server';
import { issueApiKey, revokeIssuedApiKey } from '../../scripts/api-keys';
import { http, stack } from '../support/api';

const listOrders = (apiKey: string, apiUrl = stack().apiUrl) =>
  http('GET', `${apiUrl}/v1/orders?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } });

describe('API key lifecycle (npm run api-key:create | list | revoke)', () => {
  it('issues a key shown once and stored by hash, which the API accepts until it is revoked', async () => {
    const { apiKey, record } = await issueApiKey('checkout backend');
    expect(apiKey).toMatch(/^pek_[\w-]{43}$/);
    expect((await listOrders(apiKey)).status).toBe(200);
    const listed = (await listApiKeys()).find((candidate) => candidate.keyId === record.keyId);
    expect(listed).toMatchObject({ name: 'checkout backend', usageKey: record.usageKey });
    expect(listed?.revokedAt).toBeUndefined();
    expect(JSON.stringify(await listApiKeys())).not.toContain(apiKey);

    const revokedAt = new Date('2026-11-26T12:00:00Z');
    expect(await revokeIssuedApiKey(record.keyId, { now: revokedAt })).toMatchObject({ keyId: record.keyId });
    const refused = await listOrders(apiKey);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    // Revoking again keeps the first date: the audit trail says when it really stopped.
    await revokeIssuedApiKey(record.keyId, { now: new Date() });
    const after = (await listApiKeys()).find((candidate) => candidate.keyId === record.keyId);
    expect(after?.revokedAt).toBe(revokedAt.toISOString());
    expect(await revokeIssuedApiKey('key_unknown')).toBeUndefined();
  });

  it('refuses with 403 a key that has no usage plan to throttle it', async () => {
    const apiKey = `pek_no_usage_plan_${crypto.randomUUID()}`;
    // A record as a hand-written item would look: no usageKey.
    await storeApiKey(apiKey, {
      keyId: `key_${crypto.randomUUID()}`,
      name: 'hand-made',
      createdAt: new Date().toISOString(),
    } as never);
    const refused = await listOrders(apiKey);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'api_key_not_enabled' });
  });
});

describe('per-client throttling', () => {
  let server: ApiServer;
  beforeAll(async () => {
    // An API server of our own with a tiny bucket, in front of the same handlers and table.
    server = await startApiServer({
      port: 0,
      localRoutes: async () => undefined,
      clientThrottle: { rateLimit: 1, burstLimit: 5 },
    });
  });
  afterAll(() => server.stop());

  it('answers 429 problem+json to a client over its burst, while another client is served', async () => {
    const noisy = await issueApiKey('noisy client');
    const quiet = await issueApiKey('quiet client');
    const startedAt = performance.now();
    const statuses: number[] = [];
    let throttled: Awaited<ReturnType<typeof listOrders>> | undefined;
    for (let i = 0; i < 20; i++) {
      const response = await listOrders(noisy.apiKey, server.url);
      statuses.push(response.status);
      if (response.status === 429) throttled ??= response;
    }
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    // The burst of 5 passes; after that at most one more per elapsed second (rate 1/s).
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const served = statuses.filter((status) => status === 200).length;
    expect(served).toBeLessThanOrEqual(5 + Math.ceil(elapsedSeconds));
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(throttled?.headers.get('retry-after')).toBe('1');
    expect(throttled?.body).toMatchObject({ status: 429, code: 'throttled' });

    expect((await listOrders(quiet.apiKey, server.url)).status).toBe(200);
  });
});

describe('API key lifecycle in AWS (API Gateway is mocked: it has no local emulator)', () => {
  it('puts each new key in the stage usage plan, and disables it on revocation', async () => {
    const gatewayMock = mockClient(APIGatewayClient);
    gatewayMock
      .on(GetUsagePlansCommand)
      .resolvesOnce({ items: [{ id: 'other', name: 'someone-else' }], position: 'page-2' })
      .resolvesOnce({ items: [{ id: 'plan-1', name: 'pagoefectivo-prod-clients' }] });
    gatewayMock.on(CreateApiKeyCommand).resolves({ id: 'gw-key-1' });
    gatewayMock.on(CreateUsagePlanKeyCommand).resolves({});
    gatewayMock.on(UpdateApiKeyCommand).resolves({});
    const gateway = {
      client: new APIGatewayClient({ region: 'us-east-1' }),
      usagePlanName: 'pagoefectivo-prod-clients',
    };

    const { record } = await issueApiKey('erp', { gateway });
    expect(record.gatewayKeyId).toBe('gw-key-1');
    expect(gatewayMock.commandCalls(CreateApiKeyCommand)[0]?.args[0].input).toMatchObject({
      value: record.usageKey,
      enabled: true,
    });
    expect(gatewayMock.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'plan-1',
      keyId: 'gw-key-1',
      keyType: 'API_KEY',
    });

    await revokeIssuedApiKey(record.keyId, { gateway });
    expect(gatewayMock.commandCalls(UpdateApiKeyCommand)[0]?.args[0].input).toEqual({
      apiKey: 'gw-key-1',
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    });
    gatewayMock.restore();
  });

  it('stores nothing when the stage has no usage plan (stack not deployed)', async () => {
    const gatewayMock = mockClient(APIGatewayClient);
    gatewayMock.on(GetUsagePlansCommand).resolves({ items: [] });
    const gateway = { client: new APIGatewayClient({ region: 'us-east-1' }), usagePlanName: 'missing' };
    const before = (await listApiKeys()).length;
    await expect(issueApiKey('orphan', { gateway })).rejects.toThrow(/No usage plan named missing/);
    expect((await listApiKeys()).length).toBe(before);
    expect(gatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    gatewayMock.restore();
  });
});

describe('scopes (least privilege per key)', () => {
  const apiKeyRoutes = ROUTES.filter((route) => route.auth === 'apiKey');
  const call = (apiKey: string, route: (typeof ROUTES)[number]) =>
    http(route.method, `${stack().apiUrl}${route.path.replace(/\{[^}]+\}/g, 'x')}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
    });

  it('every API-key route names the scope it needs', () => {
    for (const route of apiKeyRoutes) expect(route.scope, `${route.method} ${route.path}`).toBeDefined();
  });

  it('a new key may only read orders unless given scopes; a missing scope is 403 naming it', async () => {
    const { apiKey, record } = await issueApiKey('support dashboard');
    expect(record.scopes).toEqual(['orders:read']);
    expect((await listOrders(apiKey)).status).toBe(200);
    const refused = await http('POST', `${stack().apiUrl}/v1/orders`, {
      headers: { authorization: `Bearer ${apiKey}` },
      body: {},
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'orders:write' });
    await expect(issueApiKey('typo', { scopes: ['orders:reed'] })).rejects.toThrow(/Unknown scope/);
  });

  it('walks every route: refused without its scope, past the scope check with it (admin: everything)', async () => {
    const eventsOnly = await issueApiKey('events reader', { scopes: ['events:read'] });
    const admin = await issueApiKey('operator', { scopes: ['admin'] });
    const revoked = await issueApiKey('former employee', { scopes: ['admin'] });
    await revokeIssuedApiKey(revoked.record.keyId);
    for (const route of apiKeyRoutes) {
      // No key, or a revoked one: 401 everywhere, before any handler runs.
      for (const key of ['', revoked.apiKey]) {
        const answer = await http(route.method, `${stack().apiUrl}${route.path.replace(/\{[^}]+\}/g, 'x')}`, {
          auth: false,
          ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
        });
        expect(answer.status, `${route.method} ${route.path} ${key ? 'revoked' : 'no key'}`).toBe(401);
      }
      const scoped = await issueApiKey(`only ${route.scope}`, { scopes: [route.scope as string] });
      const label = `${route.method} ${route.path}`;
      const without = await call(eventsOnly.apiKey, route);
      if (route.scope === 'events:read') {
        expect(without.body, label).not.toMatchObject({ code: 'insufficient_scope' });
      } else {
        expect(without.status, label).toBe(403);
        expect(without.body, label).toMatchObject({ code: 'insufficient_scope', requiredScope: route.scope });
      }
      for (const key of [scoped, admin]) {
        const answer = await call(key.apiKey, route);
        expect(answer.status, label).not.toBe(401);
        expect((answer.body as { code?: string } | undefined)?.code, label).not.toBe('insufficient_scope');
      }
    }
  });
});

describe("per-address throttling of the buyer's public pages", () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({
      port: 0,
      localRoutes: async () => undefined,
      clientThrottle: { rateLimit: 1, burstLimit: 5 },
    });
  });
  afterAll(() => server.stop());

  it('answers 429 with Retry-After (and CORS, for the widget) past the burst, as the WAF rule does in AWS', async () => {
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 10; i++) {
      // A token nobody has: the page's 404 until the bucket is empty, then the throttle's 429.
      const response = await fetch(`${server.url}/v/AAAAAAAAAAAAAAAAAAAAAA/status`);
      statuses.push(response.status);
      if (response.status === 429) throttled ??= response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses).toContain(429);
    expect(throttled?.headers.get('retry-after')).toBe('1');
    expect(throttled?.headers.get('access-control-allow-origin')).toBe('*');
    expect(throttled?.headers.get('content-type')).toContain('application/problem+json');
    // The WAF's answer, not the API key throttle's: no key is involved on these pages.
    const body = (await throttled?.json()) as { code: string; title: string; detail: string };
    expect(body).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too Many Requests' });
    expect(body.detail).toMatch(/address/);
    expect(body.detail).not.toMatch(/API key/);
  });
});
