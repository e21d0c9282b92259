import { reportAnomaly } from '#payments/apply-payment';
import { now, nowMs } from '#platform/clock';
import { ALL_BUCKETS, loadJobCursor, queryUnsettledBucket, saveJobCursor } from '#store/pending-orders';

const JOB = 'check-unsettled';
/**
 * Each run re-reads the day before the last cut-off: a payment recorded late (found by polling
 * hours after it was made) still falls inside a window. Its anomaly id makes the overlap harmless.
 */
const OVERLAP_MS = 86_400_000;
const PAGE = 100;

export interface UnsettledSummary {
  examined: number;
  flagged: number;
  itemsRead: number;
  paidBefore: string;
  complete: boolean;
}

/**
 * Flags every payment no settlement report has listed `unsettledAfterDays` after it was paid, as
 * an `unsettled_payment` anomaly — once per payment. Reads the sparse unsettled queue from
 * where the last run stopped up to the cut-off: never a scan, and each payment is read about once.
 */
export async function flagUnsettledPayments(options: {
  unsettledAfterDays: number;
  maxOrders: number;
  hasTimeLeft: () => boolean;
}): Promise<UnsettledSummary> {
  const paidBefore = new Date(nowMs() - options.unsettledAfterDays * 86_400_000).toISOString();
  const cursor = await loadJobCursor(JOB);
  const checkedUntil =
    typeof cursor.window?.checkedUntil === 'string' ? cursor.window.checkedUntil : undefined;
  const paidFrom = checkedUntil
    ? new Date(Date.parse(checkedUntil) - OVERLAP_MS).toISOString()
    : '0000-01-01T00:00:00.000Z';
  const summary: UnsettledSummary = { examined: 0, flagged: 0, itemsRead: 0, paidBefore, complete: true };
  for (const bucket of ALL_BUCKETS) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (summary.examined >= options.maxOrders || !options.hasTimeLeft()) {
        // Unfinished: the cut-off is not advanced, so the next run reads this window again.
        summary.complete = false;
        return summary;
      }
      const page = await queryUnsettledBucket(bucket, { limit: PAGE, paidFrom, paidBefore, startKey });
      summary.itemsRead += page.itemsRead;
      for (const order of page.orders) {
        summary.examined++;
        if (order.payment === undefined || order.settlement !== undefined) continue;
        const operationNumber = order.payment.operationNumber ?? 'polled';
        await reportAnomaly({
          id: `unsettled_payment:${order.voucher.cip}:${operationNumber}`,
          type: 'unsettled_payment',
          detectedAt: now().toISOString(),
          detail:
            `Paid ${order.payment.paidAt} (${order.payment.amount} ${order.payment.currency}) and in no settlement ` +
            `report ${options.unsettledAfterDays} days later: ask PagoEfectivo whether it was settled.`,
          cip: order.voucher.cip,
          ...(order.payment.operationNumber ? { operationNumber: order.payment.operationNumber } : {}),
          orderId: order.id,
          amount: order.payment.amount,
          currency: order.payment.currency,
          source: 'settlement',
        });
        summary.flagged++;
      }
      startKey = page.nextKey;
    } while (startKey !== undefined);
  }
  await saveJobCursor(JOB, { window: { checkedUntil: paidBefore } }, now().toISOString());
  return summary;
}
