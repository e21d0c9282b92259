import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AnomalyType } from '#model/anomaly';
import type { Order } from '#model/order';
import { cashOptionId } from '#model/payment-options';
import { transitioned } from '#model/transition';
import { orderEventData as eventData } from '#orders/present';
import { applyPayment, type ObservedPayment } from '#payments/apply-payment';
import { walletPaymentOf } from '#payments/found-payments';
import { closeOptions, closuresFor, type OptionClosers } from '#payments/option-closures';
import { now } from '#platform/clock';
import { withFreshReads } from '#platform/optimistic';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import { closurePut, type OptionClosure } from '#store/option-closures';
import { getOrder, saveTransition } from '#store/orders-repository';
import { ALL_BUCKETS, queryPendingBucket } from '#store/pending-orders';
import { polledPayment, searchInBatches } from './psp-batches';

/** Anomalies holding a payment made at another amount or currency than the order's. */
const MISMATCHED_PAYMENTS: ReadonlySet<AnomalyType> = new Set(['amount_mismatch', 'currency_mismatch']);

export interface ExpirySummary {
  examined: number;
  expired: number;
  paid: number;
  /** Changed by someone else meanwhile (paid by a webhook, cancelled). */
  skipped: number;
  errors: number;
  cipDeleteFailures: number;
  pspCalls: number;
  itemsRead: number;
  /** Due orders not reached in this run (the bound); alarmed on when it persists. */
  dueLeft: number;
  /** Due orders left pending because the PSP could not be asked (their final check failed). */
  checkFailed: number;
  /**
   * How long the longest-waiting of those has been due, in seconds (0 when every final check
   * worked): the metric `FinalCheckFailingSeconds`, alarmed on past the stage's limit.
   */
  finalCheckFailingSeconds: number;
}

export interface ExpiryOptions {
  graceSeconds: number;
  maxOrders: number;
  batchSize: number;
  hasTimeLeft: () => boolean;
  /** The stage's wallet provider: the final check asks about every open wallet option too (decision 99). */
  wallet?: OptionClosers['wallet'];
}

/**
 * Expires orders still PENDING_PAYMENT whose `expiresAt + grace` has passed — reading only those
 * (range on the sparse pending index). Each gets a final check at the PSP first: a payment found
 * there is applied (→ PAID), never lost to the expiry. If the PSP cannot answer, the order is not
 * expired — however long the PSP stays down (decision 78): it waits for the next run, and the
 * metric `FinalCheckFailingSeconds` (how long the longest-waiting such order has been due) raises
 * an alarm past the stage's limit. The final check covers every open option: the CIP, and each
 * wallet option at the wallet provider — a wallet paid whose notification was lost is applied, not
 * expired (decision 99). After expiring, the CIP is deleted at the PSP (retried once; a failure
 * never blocks the expiry — the CIP expires there too), and each wallet option is closed at its
 * provider through a closure written with the expiry, which sync-pending retries.
 */
export async function expireDueOrders(psp: PspProvider, options: ExpiryOptions): Promise<ExpirySummary> {
  const summary: ExpirySummary = {
    examined: 0,
    expired: 0,
    paid: 0,
    skipped: 0,
    errors: 0,
    cipDeleteFailures: 0,
    pspCalls: 0,
    itemsRead: 0,
    dueLeft: 0,
    checkFailed: 0,
    finalCheckFailingSeconds: 0,
  };
  const startedAt = now();
  const dueBefore = new Date(startedAt.getTime() - options.graceSeconds * 1000).toISOString();
  const perBucket = Math.max(1, Math.ceil(options.maxOrders / ALL_BUCKETS.length));

  const due: Order[] = [];
  for (const bucket of ALL_BUCKETS) {
    const page = await queryPendingBucket(bucket, { limit: perBucket, dueBefore });
    due.push(...page.orders);
    summary.itemsRead += page.itemsRead;
    if (page.nextKey) summary.dueLeft++;
  }
  due.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));

  const closers: OptionClosers = { psp, wallet: options.wallet };
  const applyFound = async (payment: ObservedPayment) =>
    (await applyPayment(payment, 'poll', undefined, closers)).result === 'applied';

  let outOfTime = false;
  for await (const batch of searchInBatches(psp, due, options.batchSize)) {
    summary.pspCalls++;
    if (!batch.statuses) logger.warn('expire-orders: PSP search failed', { error: batch.error });
    for (const order of batch.orders) {
      // Checked per order, not per batch: each may cost a PSP delete (bounded by deadline.ts).
      if (!options.hasTimeLeft()) {
        outOfTime = true;
        break;
      }
      summary.examined++;
      const status = batch.statuses?.get(order.voucher.cip);
      try {
        if (status?.state === 'paid') {
          const found = await applyPayment(
            polledPayment(order, status, startedAt),
            'poll',
            undefined,
            closers,
          );
          if (found.result === 'applied') {
            summary.paid++;
            continue;
          }
          // Paid there at another amount or currency: that cash is held in suspense as its anomaly,
          // for a person to refund or settle; the order itself was never paid and its deadline has
          // passed, so it expires (left pending, it would be checked again on every run; decision 134).
          if (!(found.result === 'anomaly' && MISMATCHED_PAYMENTS.has(found.type))) {
            summary.skipped++;
            continue;
          }
        }
        let walletPayment: ObservedPayment | undefined;
        let walletAnswered = true;
        if (batch.statuses) {
          try {
            walletPayment = await walletPaymentOf(order, options.wallet, startedAt);
          } catch (error) {
            walletAnswered = false;
            logger.warn('expire-orders: wallet status lookup failed', { orderId: order.id, error });
          }
        }
        if (walletPayment) {
          if (await applyFound(walletPayment)) summary.paid++;
          else summary.skipped++;
          continue;
        }
        // No final check, no expiry: the order stays pending until every provider can be asked.
        if (!batch.statuses || !walletAnswered) {
          summary.checkFailed++;
          const dueSeconds = Math.floor(
            (startedAt.getTime() - Date.parse(order.expiresAt)) / 1000 - options.graceSeconds,
          );
          summary.finalCheckFailingSeconds = Math.max(summary.finalCheckFailingSeconds, dueSeconds);
          continue;
        }
        const closures = await expireOrder(order);
        if (closures) {
          summary.expired++;
          if (!(await deleteCipQuietly(psp, order))) summary.cipDeleteFailures++;
          // Failures are left pending on their closures for sync-pending (PaymentOptionNotClosed counts them).
          await closeOptions(closures, closers);
        } else {
          summary.skipped++;
        }
      } catch (error) {
        summary.errors++;
        logger.error('expire-orders: order not handled', { orderId: order.id, error });
      }
    }
    if (outOfTime || !options.hasTimeLeft()) {
      summary.dueLeft += due.length - summary.examined;
      break;
    }
  }
  metrics.addMetric('OrdersExpired', MetricUnit.Count, summary.expired);
  metrics.addMetric('DueOrdersLeft', MetricUnit.Count, summary.dueLeft);
  metrics.addMetric('FinalCheckFailingSeconds', MetricUnit.Seconds, summary.finalCheckFailingSeconds);
  return summary;
}

/**
 * PENDING_PAYMENT → EXPIRED, conditional on what was read, with a closure per wallet option in the
 * same transaction (decision 99). The wallet closures, or undefined when the order moved on meanwhile.
 */
async function expireOrder(order: Order): Promise<OptionClosure[] | undefined> {
  return withFreshReads<OptionClosure[] | undefined>(
    async (round) => {
      const current = round === 1 ? order : await getOrder(order.id, true);
      if (current?.status !== 'PENDING_PAYMENT') return undefined;
      const expired = transitioned(current, 'EXPIRED', 'expiry', now());
      // Every option but the cash one, which is deleted below as it always was.
      const closures = closuresFor(current, cashOptionId(current.id), expired.updatedAt);
      await saveTransition(current, expired, eventData(expired), closures.map(closurePut));
      return closures;
    },
    // Still changing after every re-read: left for the next run, which reads it afresh.
    () => undefined,
  );
}

async function deleteCipQuietly(psp: PspProvider, order: Order): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await psp.deleteVoucher(order.voucher);
      return true;
    } catch (error) {
      logger.warn('expire-orders: CIP not deleted at the PSP', { orderId: order.id, attempt, error });
    }
  }
  return false;
}
