import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { orderEventData } from '#orders/present';
import { now, nowMs } from '#platform/clock';
import { metrics } from '#platform/powertools';
import { getOrder, recordExpiryReminder } from '#store/orders-repository';
import { ALL_BUCKETS, loadJobCursor, queryPendingBucket, saveJobCursor } from '#store/pending-orders';

const JOB = 'remind-expiring';
const PAGE = 100;

export interface ReminderSummary {
  examined: number;
  reminded: number;
  /** Pending orders in the window that had less than the lead time when they were made. */
  tooShort: number;
  itemsRead: number;
  complete: boolean;
}

/**
 * `order.expiring_soon` for buyers who took a voucher and have not paid ("printed but never
 * paid"): once per order and lead time, when the deadline comes within the lead. Reads the sparse
 * pending queue (by expiry) only from where the last run's window ended: an order made
 * after that run with more than the lead left expires beyond it, so nothing is missed, and each
 * order is read about once per lead. Orders made with less time left than the lead get none.
 */
export async function remindExpiring(options: {
  leadMinutes: readonly number[];
  maxOrders: number;
  hasTimeLeft: () => boolean;
}): Promise<ReminderSummary> {
  const summary: ReminderSummary = { examined: 0, reminded: 0, tooShort: 0, itemsRead: 0, complete: true };
  const cursor = await loadJobCursor(JOB);
  const at = nowMs();
  const next: Record<string, string> = {};
  for (const lead of options.leadMinutes) {
    const leadMs = lead * 60_000;
    const until = new Date(at + leadMs).toISOString();
    const previous = cursor.until?.[String(lead)];
    // First run: from now (anything due sooner is already inside its lead and gets its reminder).
    const nowIso = new Date(at).toISOString();
    const from = typeof previous === 'string' && previous > nowIso ? previous : nowIso;
    for (const bucket of ALL_BUCKETS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        if (summary.examined >= options.maxOrders || !options.hasTimeLeft()) {
          // Unfinished: this lead's window is read again next run (its reminders are sent once anyway).
          summary.complete = false;
          return finish({ ...(cursor.until ?? {}), ...next });
        }
        const page = await queryPendingBucket(bucket, {
          limit: PAGE,
          dueFrom: from,
          dueBefore: until,
          startKey,
        });
        summary.itemsRead += page.itemsRead;
        for (const indexed of page.orders) {
          summary.examined++;
          if (Date.parse(indexed.expiresAt) - Date.parse(indexed.createdAt) <= leadMs) {
            summary.tooShort++;
            continue;
          }
          // The index lags the table: a paid order may still sit in it. The order itself decides.
          const order = await getOrder(indexed.id, true);
          if (order?.status !== 'PENDING_PAYMENT') continue;
          if (await recordExpiryReminder(order, orderEventData(order), lead, now().toISOString()))
            summary.reminded++;
        }
        startKey = page.nextKey;
      } while (startKey !== undefined);
    }
    next[String(lead)] = until;
  }
  return finish(next);

  async function finish(until: Record<string, unknown>): Promise<ReminderSummary> {
    await saveJobCursor(JOB, { until }, now().toISOString());
    metrics.addMetric('ExpiryRemindersSent', MetricUnit.Count, summary.reminded);
    return summary;
  }
}
