import { expireDueOrders } from '#jobs/expire-orders';
import { syncPendingOrders } from '#jobs/sync-pending';
import { pspProvider } from '#psp/index';
import { syntheticPendingOrder, writeOrders } from '../test/support/synthetic-orders';
import { fmt } from './stats';

/**
 * The scheduled jobs over a large pending set on the local stack: 6 000 pending orders, 1 000 of
 * them due. Expiry: orders expired per second, items read per expired order. Sync: one bounded
 * pass (2 000 orders), orders examined per second, items read per order.
 */
export async function benchScheduledJobs(): Promise<void> {
  const PENDING = 6000;
  const DUE = 1000;
  const now = Date.now();
  const orders = Array.from({ length: PENDING }, (_, i) =>
    syntheticPendingOrder(
      i,
      i < DUE ? new Date(now - 3600_000 + i * 1000) : new Date(now + 86_400_000 + i * 1000),
      70_000_000,
    ),
  );
  await writeOrders(orders);

  const syncStarted = performance.now();
  const sync = await syncPendingOrders(pspProvider('pagoefectivo'), {
    maxOrders: 2000,
    batchSize: 25,
    hasTimeLeft: () => true,
  });
  const syncMs = performance.now() - syncStarted;

  const expiryStarted = performance.now();
  const expiry = await expireDueOrders(pspProvider('pagoefectivo'), {
    graceSeconds: 0,
    maxOrders: 2000,
    batchSize: 25,
    hasTimeLeft: () => true,
  });
  const expiryMs = performance.now() - expiryStarted;

  console.log(
    `\n## Scheduled jobs over ${PENDING} pending orders (${DUE} due), in-process on the local stack\n`,
  );
  console.log(
    '| job | orders handled | seconds | orders/s | items read | items read per order | PSP calls |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| expire-orders (final check + expire + delete CIP) | ${expiry.expired} expired | ${fmt(expiryMs / 1000, 2)} | ${fmt((expiry.expired / expiryMs) * 1000)} | ${expiry.itemsRead} | ${fmt(expiry.itemsRead / Math.max(1, expiry.expired), 2)} | ${expiry.pspCalls} |`,
  );
  console.log(
    `| sync-pending (one bounded pass) | ${sync.examined} examined | ${fmt(syncMs / 1000, 2)} | ${fmt((sync.examined / syncMs) * 1000)} | ${sync.itemsRead} | ${fmt(sync.itemsRead / Math.max(1, sync.examined), 2)} | ${sync.pspCalls} |`,
  );
}
