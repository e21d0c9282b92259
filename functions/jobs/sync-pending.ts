import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Order } from '#model/order';
import { applyPayment, type ObservedPayment } from '#payments/apply-payment';
import { openWalletOptions, walletPaymentOf } from '#payments/found-payments';
import type { OptionClosers } from '#payments/option-closures';
import { now } from '#platform/clock';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import {
  ALL_BUCKETS,
  type JobCursor,
  loadJobCursor,
  queryPendingBucket,
  saveJobCursor,
} from '#store/pending-orders';
import { polledPayment, searchInBatches } from './psp-batches';

export interface SyncSummary {
  examined: number;
  paid: number;
  stillPending: number;
  anomalies: number;
  errors: number;
  pspCalls: number;
  /** Wallet status lookups: one per open wallet option of the orders examined (decision 99). */
  walletCalls: number;
  itemsRead: number;
  /** True when pending orders remain beyond this run; the next run continues from there. */
  continues: boolean;
}

export interface SyncOptions {
  maxOrders: number;
  batchSize: number;
  /** False once the run should stop starting new PSP calls (Lambda time nearly used up). */
  hasTimeLeft: () => boolean;
  /**
   * The stage's wallet provider: each pending order's open wallet options are asked about too,
   * and the options a found payment made redundant are closed at once (decision 99).
   */
  wallet?: OptionClosers['wallet'];
}

const JOB = 'sync-pending';

/**
 * Recovers payments whose notification never came: asks the PSP about pending orders' CIPs, and
 * the wallet provider about their open wallet options, and applies every payment found through
 * the same code as webhooks (`source: "poll"`) — a second option found paid is a double payment.
 *
 * Work per run is bounded (`maxOrders`): each run reads the next slice of every pending-index
 * bucket, soonest expiry first, and stores where it stopped; when all buckets are exhausted the
 * next run starts again from the soonest expiries. 100k pending orders are covered in
 * 100k / maxOrders runs, none of them near a Lambda timeout.
 */
export async function syncPendingOrders(psp: PspProvider, options: SyncOptions): Promise<SyncSummary> {
  const summary: SyncSummary = {
    examined: 0,
    paid: 0,
    stillPending: 0,
    anomalies: 0,
    errors: 0,
    pspCalls: 0,
    walletCalls: 0,
    itemsRead: 0,
    continues: false,
  };
  const cursor = await loadJobCursor(JOB);
  const nextCursor: JobCursor = {};
  const perBucket = Math.max(1, Math.ceil(options.maxOrders / ALL_BUCKETS.length));
  const orders: Order[] = [];
  for (const bucket of ALL_BUCKETS) {
    const page = await queryPendingBucket(bucket, {
      limit: perBucket,
      startKey: cursor[bucket] ?? undefined,
    });
    orders.push(...page.orders);
    summary.itemsRead += page.itemsRead;
    nextCursor[bucket] = page.nextKey ?? null;
    if (page.nextKey) summary.continues = true;
  }
  orders.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));

  const closers: OptionClosers = { psp, wallet: options.wallet };
  const apply = async (order: Order, payment: ObservedPayment) => {
    try {
      const outcome = await applyPayment(payment, 'poll', undefined, closers);
      if (outcome.result === 'applied') summary.paid++;
      else if (outcome.result === 'anomaly') summary.anomalies++;
    } catch (error) {
      summary.errors++;
      logger.error('sync-pending: could not apply a polled payment', { orderId: order.id, error });
    }
  };

  let finished = true;
  for await (const batch of searchInBatches(psp, orders, options.batchSize)) {
    summary.pspCalls++;
    if (!batch.statuses) {
      summary.errors += batch.orders.length;
      logger.warn('sync-pending: PSP search failed', { error: batch.error, orders: batch.orders.length });
    } else {
      for (const order of batch.orders) {
        summary.examined++;
        const status = batch.statuses.get(order.voucher.cip);
        if (status?.state !== 'paid') {
          summary.stillPending++;
          continue;
        }
        await apply(order, polledPayment(order, status, now()));
      }
    }
    // The batch's wallet options, concurrently (one lookup each; the provider has no batch search).
    await Promise.all(
      batch.orders.map(async (order) => {
        summary.walletCalls += openWalletOptions(order, options.wallet).length;
        let payment: ObservedPayment | undefined;
        try {
          payment = await walletPaymentOf(order, options.wallet, now());
        } catch (error) {
          summary.errors++;
          logger.warn('sync-pending: wallet status lookup failed', { orderId: order.id, error });
        }
        if (payment) await apply(order, payment);
      }),
    );
    if (!options.hasTimeLeft()) {
      finished = false;
      break;
    }
  }
  // An interrupted run keeps the old cursor: the same slice is examined again next time.
  if (finished) await saveJobCursor(JOB, nextCursor, now().toISOString());
  metrics.addMetric('PaymentsRecoveredByPoll', MetricUnit.Count, summary.paid);
  return summary;
}
