import { CURRENCIES } from '#orders/money';
import { requestPayout, SCHEDULE_ACTOR } from '#payouts/payouts';
import { isPayoutDay, type PayoutSchedule } from '#payouts/schedule';
import { nowMs } from '#platform/clock';
import { logger } from '#platform/powertools';
import { balanceIn } from '#store/ledger-repository';
import { ALL_BUCKETS, queryPayoutDueBucket } from '#store/pending-orders';

export interface PayoutRunSummary {
  payoutDay: boolean;
  examined: number;
  proposed: number;
  skipped: Record<string, number>;
  itemsRead: number;
  complete: boolean;
}

/**
 * On a payout day, proposes a payout for every seller whose available money has waited at least
 * `holdDays` and reaches `minimumAmount`, per currency. Reads the sparse payout-due index (seller
 * balances with available money, by since when), never a scan: one item read per seller due.
 * Sellers with an open payout, no bank account or one in cooling-off are skipped (and counted).
 */
export async function proposePayouts(
  schedule: PayoutSchedule,
  options: { maxSellers: number; hasTimeLeft: () => boolean; force?: boolean },
): Promise<PayoutRunSummary> {
  const summary: PayoutRunSummary = {
    payoutDay: options.force === true || isPayoutDay(schedule, new Date(nowMs())),
    examined: 0,
    proposed: 0,
    skipped: {},
    itemsRead: 0,
    complete: true,
  };
  if (!summary.payoutDay) return summary;
  const heldSince = new Date(nowMs() - schedule.holdDays * 86_400_000).toISOString();
  for (const bucket of ALL_BUCKETS) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (summary.examined >= options.maxSellers || !options.hasTimeLeft()) {
        summary.complete = false;
        return summary;
      }
      const page = await queryPayoutDueBucket(bucket, { limit: 100, below: `${heldSince}#`, startKey });
      summary.itemsRead += page.itemsRead;
      for (const balance of page.items) {
        summary.examined++;
        for (const currency of CURRENCIES) {
          if (balanceIn(balance, currency).available < schedule.minimumAmount) continue;
          try {
            await requestPayout({ sellerId: String(balance.sellerId), currency }, SCHEDULE_ACTOR, balance);
            summary.proposed++;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (code === undefined) throw error;
            summary.skipped[code] = (summary.skipped[code] ?? 0) + 1;
          }
        }
      }
      startKey = page.nextKey;
    } while (startKey !== undefined);
  }
  logger.info('payouts proposed', { ...summary });
  return summary;
}
