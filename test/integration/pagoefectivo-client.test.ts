import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PspRejectedError, PspUnavailableError } from '#platform/errors';
import { PagoEfectivoClient } from '#psp/pagoefectivo/client';
import type { PspCredentials } from '#psp/pagoefectivo/credentials';
import { type Sandbox, startSandbox } from '../../local/sandbox/server';
import { startFakePsp } from '../support/fake-psp';
import { TEST_CREDENTIALS } from '../support/global-stack';

/** Counts authorizations: the credentials are read exactly once per token request. */
function countingCredentials(credentials: PspCredentials) {
  const counter = { calls: 0 };
  return {
    counter,
    provider: async () => {
      counter.calls++;
      return credentials;
    },
  };
}

const cipInput = (overrides: Partial<Parameters<PagoEfectivoClient['createCip']>[0]> = {}) => ({
  transactionCode: `ord_${Date.now()}`,
  currency: 'PEN' as const,
  amountMinor: 12345,
  expiresAt: new Date(Date.now() + 3600_000),
  userEmail: 'ana@example.pe',
  paymentConcept: 'Prueba',
  ...overrides,
});

describe('PagoEfectivoClient against the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    // A sandbox of our own: short-lived tokens, its own CIP numbers, nothing shared with other tests.
    sandbox = await startSandbox({
      port: 0,
      ...TEST_CREDENTIALS,
      notificationUrl: 'http://127.0.0.1:9/unused',
      // Three minutes: long enough that no test renews by accident on a slow machine,
      // short enough that moving the client's clock 2 minutes ahead (inside the sandbox's
      // 5-minute dateRequest tolerance) makes the token due for renewal.
      tokenLifetimeSeconds: 180,
    });
  });
  afterAll(() => sandbox.stop());

  const client = (provider: () => Promise<PspCredentials>, now = () => new Date()) =>
    new PagoEfectivoClient({ baseUrl: sandbox.url, credentials: provider, now, timeoutMs: 2000 });

  it('creates, searches and deletes a CIP with 2-decimal amounts and Lima-time expiry', async () => {
    const { provider } = countingCredentials(TEST_CREDENTIALS);
    const psp = client(provider);
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 7200_000);
    const created = await psp.createCip(cipInput({ expiresAt }));
    expect(created.cip).toMatch(/^\d+$/);
    expect(created.expiresAt.getTime()).toBe(expiresAt.getTime());
    const stored = sandbox.state.cips.get(created.cip);
    expect(stored?.amount).toBe('123.45');
    expect(stored?.dateExpiry).toMatch(/-05:00$/);

    const [found] = await psp.searchCips([created.cip]);
    expect(found).toMatchObject({ cip: created.cip, state: 'pending', amountMinor: 12345, currency: 'PEN' });
    expect(await psp.deleteCip(created.cip)).toBe('deleted');
    expect((await psp.searchCips([created.cip]))[0]?.state).toBe('deleted');
    expect(await psp.deleteCip(created.cip)).toBe('not_deletable');
    expect(await psp.deleteCip('1')).toBe('not_found');
  });

  it('moves a pending CIP’s deadline, and says when the CIP can no longer change', async () => {
    const psp = client(countingCredentials(TEST_CREDENTIALS).provider);
    const created = await psp.createCip(cipInput());
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 3600_000);
    expect(await psp.changeCipExpiry(created.cip, later)).toEqual({ outcome: 'changed', expiresAt: later });
    expect(sandbox.state.cips.get(created.cip)?.dateExpiry).toMatch(/-05:00$/);

    const past = await psp
      .changeCipExpiry(created.cip, new Date(Date.now() - 60_000))
      .catch((e: unknown) => e);
    expect(past).toBeInstanceOf(PspRejectedError);

    await psp.deleteCip(created.cip);
    expect(await psp.changeCipExpiry(created.cip, later)).toEqual({ outcome: 'not_changeable' });
    expect(await psp.changeCipExpiry('1', later)).toEqual({ outcome: 'not_found' });
  });

  it('reuses one token across calls, and renews it before tokenExpires', async () => {
    const { provider, counter } = countingCredentials(TEST_CREDENTIALS);
    // The client's clock is ours to move, so the test does not depend on how fast the machine is.
    let clockOffsetMs = 0;
    const psp = client(provider, () => new Date(Date.now() + clockOffsetMs));
    await psp.createCip(cipInput());
    await psp.createCip(cipInput());
    await Promise.all([psp.searchCips(['1']), psp.searchCips(['2'])]);
    expect(counter.calls).toBe(1);
    // 30 s on: the 180 s token still has well over the 60 s renewal margin left.
    clockOffsetMs = 30_000;
    await psp.searchCips(['1']);
    expect(counter.calls).toBe(1);
    // 125 s on: inside the margin, so a new token is fetched before the old one dies.
    clockOffsetMs = 125_000;
    await psp.searchCips(['1']);
    expect(counter.calls).toBe(2);
  });

  it('re-authorizes once when the PSP says 401', async () => {
    const { provider, counter } = countingCredentials(TEST_CREDENTIALS);
    const psp = client(provider);
    await psp.searchCips(['1']);
    await fetch(`${sandbox.url}/_sandbox/tokens/revoke`, { method: 'POST' });
    await psp.createCip(cipInput());
    expect(counter.calls).toBe(2);
  });

  it('reports wrong credentials as an upstream failure, not as the caller’s fault', async () => {
    const psp = client(async () => ({ ...TEST_CREDENTIALS, secretKey: 'wrong' }));
    await expect(psp.createCip(cipInput())).rejects.toMatchObject({ status: 502, code: 'psp_unavailable' });
  });

  it('turns PSP validation into PspRejectedError with the PSP reason', async () => {
    const psp = client(countingCredentials(TEST_CREDENTIALS).provider);
    const error = await psp
      .createCip(cipInput({ expiresAt: new Date(Date.now() - 60_000) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PspRejectedError);
    expect((error as Error).message).toContain('dateExpiry');
  });
});

describe('PagoEfectivoClient when the PSP misbehaves', () => {
  let hanging: Awaited<ReturnType<typeof startFakePsp>>;
  let hangingUrl = '';
  let requests: string[] = [];

  beforeAll(async () => {
    // Answers authorizations, then never answers anything else.
    hanging = await startFakePsp(() => undefined);
    hangingUrl = hanging.url;
    requests = hanging.requests;
  });
  afterAll(() => hanging.stop());

  it('times out with 503 and never sends a second create (it could mint a second CIP)', async () => {
    const psp = new PagoEfectivoClient({
      baseUrl: hangingUrl,
      credentials: async () => TEST_CREDENTIALS,
      now: () => new Date(),
      timeoutMs: 300,
    });
    const error = await psp.createCip(cipInput()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PspUnavailableError);
    expect((error as PspUnavailableError).status).toBe(503);
    expect(requests.filter((line) => line === 'POST /v1/cips')).toHaveLength(1);
  });

  it('retries a search once, since searching twice is harmless', async () => {
    const psp = new PagoEfectivoClient({
      baseUrl: hangingUrl,
      credentials: async () => TEST_CREDENTIALS,
      now: () => new Date(),
      timeoutMs: 200,
    });
    requests.length = 0;
    await expect(psp.searchCips(['1'])).rejects.toBeInstanceOf(PspUnavailableError);
    expect(requests.filter((line) => line === 'POST /v1/cips/search')).toHaveLength(2);
  });

  it('answers 503 when nothing listens', async () => {
    const psp = new PagoEfectivoClient({
      baseUrl: 'http://127.0.0.1:9',
      credentials: async () => TEST_CREDENTIALS,
      now: () => new Date(),
      timeoutMs: 500,
    });
    await expect(psp.createCip(cipInput())).rejects.toMatchObject({ status: 503 });
  });
});
