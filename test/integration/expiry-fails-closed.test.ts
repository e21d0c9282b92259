import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expireDueOrders } from '#jobs/expire-orders';
import { metrics } from '#platform/powertools';
import { pspProvider } from '#psp/index';
import { PagoEfectivoClient } from '#psp/pagoefectivo/client';
import { PagoEfectivoProvider } from '#psp/pagoefectivo/provider';
import { getOrder } from '#store/orders-repository';
import { startFakePsp } from '../support/fake-psp';
import { TEST_CREDENTIALS } from '../support/global-stack';
import { useOwnTable } from '../support/own-table';
import { syntheticPendingOrder, writeOrders } from '../support/synthetic-orders';

const GRACE_SECONDS = 120;

/**
 * The PSP down for hours during expiry: no order is expired without its final check (decision 78),
 * however overdue, and the job reports how long the longest-waiting one has been due — the metric
 * the `final-check-failing` alarm watches. A real PagoEfectivo client against a PSP that answers
 * every search with 503, over a table of its own (the expirer reads every due order in it).
 */
describe('the expirer when the PSP cannot be asked', () => {
  let restoreTable: () => void;
  const now = Date.now();
  let psp: Awaited<ReturnType<typeof startFakePsp>>;
  // Due for two hours (past the hour after which the expirer used to give up waiting), and for five minutes.
  const longDue = syntheticPendingOrder(1, new Date(now - 2 * 3600_000), 81_000_000);
  const justDue = syntheticPendingOrder(2, new Date(now - 5 * 60_000 - GRACE_SECONDS * 1000), 81_000_000);

  beforeAll(async () => {
    psp = await startFakePsp((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
    });
    restoreTable = await useOwnTable('expiry-fails-closed');
    await writeOrders([longDue, justDue]);
  });

  afterAll(async () => {
    await psp.stop();
    restoreTable();
  });

  const options = { graceSeconds: GRACE_SECONDS, maxOrders: 100, batchSize: 25, hasTimeLeft: () => true };

  it('expires nothing while every final check fails, and says for how long the oldest has waited', async () => {
    const down = new PagoEfectivoProvider(
      new PagoEfectivoClient({
        baseUrl: psp.url,
        credentials: async () => TEST_CREDENTIALS,
        now: () => new Date(),
        timeoutMs: 2000,
      }),
    );
    const recorded = vi.spyOn(metrics, 'addMetric');
    const summary = await expireDueOrders(down, options);
    expect(summary).toMatchObject({ examined: 2, expired: 0, paid: 0, checkFailed: 2, cipDeleteFailures: 0 });
    expect(psp.requests.some((line) => line.startsWith('POST /v1/cips/search'))).toBe(true);
    // Two hours due, less the grace: the oldest order's wait for a check that keeps failing.
    const waited = (Date.now() - Date.parse(longDue.expiresAt)) / 1000 - GRACE_SECONDS;
    expect(summary.finalCheckFailingSeconds).toBeGreaterThan(waited - 10);
    expect(summary.finalCheckFailingSeconds).toBeLessThanOrEqual(waited);
    expect(recorded).toHaveBeenCalledWith(
      'FinalCheckFailingSeconds',
      'Seconds',
      summary.finalCheckFailingSeconds,
    );
    recorded.mockRestore();
    for (const order of [longDue, justDue])
      expect((await getOrder(order.id, true))?.status).toBe('PENDING_PAYMENT');
  });

  it('expires them once the PSP answers again, and the metric falls back to 0', async () => {
    // The sandbox never issued these CIPs: its search reports them unpaid.
    const summary = await expireDueOrders(pspProvider('pagoefectivo'), options);
    expect(summary).toMatchObject({ expired: 2, checkFailed: 0, finalCheckFailingSeconds: 0 });
    for (const order of [longDue, justDue]) expect((await getOrder(order.id, true))?.status).toBe('EXPIRED');
  });
});
