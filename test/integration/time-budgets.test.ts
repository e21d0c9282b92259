import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#lib/topology';
import { MIN_CALL_MS, RESERVE_MS, timeLeftMs, withDeadline } from '#platform/deadline';
import { PspUnavailableError } from '#platform/errors';
import { PagoEfectivoClient } from '#psp/pagoefectivo/client';
import { startFakePsp } from '../support/fake-psp';
import { TEST_CREDENTIALS } from '../support/global-stack';

/**
 * Every PSP call fits the invocation that makes it: the client takes the smaller of its own
 * timeout and what the invocation has left (less the wrapper's reserve), and skips the 401
 * renewal-and-retry when there is no time for it. Proven against PSPs that hang or keep saying
 * 401, with the real client and a real local HTTP server.
 */
describe('time budgets of PSP calls', () => {
  let psp: Awaited<ReturnType<typeof startFakePsp>>;
  let url = '';
  let seen: string[] = [];
  let mode: 'hang' | 'unauthorized' = 'hang';

  beforeAll(async () => {
    psp = await startFakePsp((_request, response) => {
      // Slow, then 401: a naive client would renew the token and try again, twice the time.
      if (mode === 'unauthorized') setTimeout(() => response.writeHead(401).end(), 700);
      // 'hang': never answers.
    });
    url = psp.url;
    seen = psp.requests;
  });
  afterAll(() => psp.stop());

  // The deployed default: 8 s per call, far more than the invocations below have left.
  const client = () =>
    new PagoEfectivoClient({
      baseUrl: url,
      credentials: async () => TEST_CREDENTIALS,
      now: () => new Date(),
      timeoutMs: 8000,
    });
  const cip = {
    transactionCode: 'ord_budget',
    currency: 'PEN' as const,
    amountMinor: 1000,
    expiresAt: new Date(Date.now() + 3600_000),
    userEmail: 'ana@example.pe',
    paymentConcept: 'Prueba',
  };

  it('a create against a hanging PSP gives up within the invocation, not after 8 s', async () => {
    mode = 'hang';
    const started = performance.now();
    // An HTTP function with 4.5 s left: 2 s reserved for the write and the answer, 2.5 s for the PSP.
    const error = await withDeadline(4500, RESERVE_MS.http, () => client().createCip(cip)).catch((e) => e);
    expect(error).toBeInstanceOf(PspUnavailableError);
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(2000);
    expect(took).toBeLessThan(4500 - RESERVE_MS.http + 500);
  });

  it('skips the 401 renewal-and-retry when it could not finish in time', async () => {
    mode = 'unauthorized';
    seen.splice(0);
    const started = performance.now();
    // 1.9 s budget: the first create's 401 (0.7 s) leaves too little for a new token and a second create.
    const failure = await withDeadline(3900, RESERVE_MS.http, () => client().createCip(cip)).catch(
      (error) => error,
    );
    expect(String(failure)).toContain('PagoEfectivo');
    expect(seen.filter((line) => line === 'POST /v1/cips')).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(3900 - RESERVE_MS.http + 500);
  });

  it('starts no call at all with less than a useful minimum left', async () => {
    mode = 'hang';
    seen.splice(0);
    const failure = await withDeadline(RESERVE_MS.http + MIN_CALL_MS / 2, RESERVE_MS.http, () =>
      client().searchCips(['123']),
    ).catch((error) => error);
    expect(failure).toBeInstanceOf(PspUnavailableError);
    expect(seen).toEqual([]);
  });

  it('leaves every PSP-calling function time for at least one full-length call after its reserve', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS)) {
      if (spec.psp !== 'api') continue;
      const reserve = name === 'sync-pending' || name === 'expire-orders' ? RESERVE_MS.job : RESERVE_MS.http;
      expect(spec.timeoutSeconds * 1000 - reserve, name).toBeGreaterThanOrEqual(8000);
    }
    expect(timeLeftMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
