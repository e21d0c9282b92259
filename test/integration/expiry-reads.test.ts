import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueOrders } from '#jobs/expire-orders';
import { syncPendingOrders } from '#jobs/sync-pending';
import { pspProvider } from '#psp/index';
import { useOwnTable } from '../support/own-table';
import { syntheticPendingOrder, writeOrders } from '../support/synthetic-orders';

const TOTAL = 10_000;
const DUE = 100;

/**
 * 10 000 pending orders, 100 of them due: the expirer must read about 100 items, not 10 000.
 * A table of its own, so the shared test table stays small and other tests are not disturbed.
 */
describe('the expirer reads only what is due', () => {
  let restoreTable: () => void;
  const now = Date.now();

  beforeAll(async () => {
    restoreTable = await useOwnTable('expiry-reads');
    const orders = Array.from({ length: TOTAL }, (_, i) =>
      // The first 100 expired 10 minutes ago; the rest expire over the next days.
      syntheticPendingOrder(
        i,
        i < DUE ? new Date(now - 600_000 - i * 1000) : new Date(now + 3600_000 + i * 60_000),
      ),
    );
    await writeOrders(orders);
  }, 180_000);

  afterAll(() => restoreTable());

  it('touches about 100 items for 100 due orders among 10 000 pending', async () => {
    const summary = await expireDueOrders(pspProvider('pagoefectivo'), {
      graceSeconds: 120,
      maxOrders: 2000,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(summary.examined).toBe(DUE);
    expect(summary.expired).toBe(DUE);
    expect(summary.itemsRead).toBe(DUE);
    expect(summary.pspCalls).toBe(DUE / 25);
    expect(summary.dueLeft).toBe(0);
  });

  it('bounds a sync pass and continues where it stopped', async () => {
    const first = await syncPendingOrders(pspProvider('pagoefectivo'), {
      maxOrders: 400,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(first.itemsRead).toBe(400);
    expect(first.examined).toBe(400);
    expect(first.continues).toBe(true);
    const second = await syncPendingOrders(pspProvider('pagoefectivo'), {
      maxOrders: 400,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(second.examined).toBe(400);
    expect(second.continues).toBe(true);
  });
});
