import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CURRENCIES } from '#model/money';
import { isPayoutDay, limaDate, type PayoutSchedule } from '#model/payout-schedule';
import { requestPayout, SCHEDULE_ACTOR } from '#payouts/payouts';
import { nowMs } from '#platform/clock';
import { logger, metrics } from '#platform/powertools';
import { balanceIn } from '#store/ledger-repository';
import { ALL_BUCKETS, loadJobCursor, queryPayoutDueBucket, saveJobCursor } from '#store/pending-orders';

const JOB = 'create-payouts';

/**
 * Where a payout day's run stands: the next page to read (bucket, key), whether every due seller
 * was examined, and whether its day ending incomplete was already reported.
 */
interface PayoutRunCursor {
  date: string;
  bucket: number;
  startKey: Record<string, unknown> | null;
  complete: boolean;
  reported?: boolean;
}

export interface PayoutRunSummary {
  payoutDay: boolean;
  examined: number;
  proposed: number;
  skipped: Record<string, number>;
  itemsRead: number;
  complete: boolean;
  /** The payout day whose run this continued (today's, or an earlier one's left incomplete). */
  runDate?: string;
  /** An earlier payout day that ended with sellers not yet examined (PayoutDayIncomplete). */
  dayEndedIncomplete?: string;
}

/**
 * On a payout day, proposes a payout for every seller whose available money has waited at least
 * `holdDays` and reaches `minimumAmount`, per currency. Reads the sparse payout-due index (seller
 * balances with available money, by since when), never a scan: one item read per seller due.
 * Sellers with an open payout, no bank account or one in cooling-off are skipped (and counted).
 *
 * A run stops after `maxSellers` or when time runs short, and saves where it stopped: the next run
 * (hourly, lib/constructs/job-triggers.ts) continues from there — that day or, if the day ended
 * first, the next one (reported once as PayoutDayIncomplete) — until every due seller was
 * examined, instead of the rest waiting a week for the next payout day. A forced run (the local
 * stack's `anyDay`) neither reads nor moves the saved position.
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
  const today = limaDate(new Date(nowMs()));
  const saved = options.force ? undefined : ((await loadJobCursor(JOB)).run as PayoutRunCursor | undefined);
  let run: PayoutRunCursor;
  if (saved && !saved.complete) {
    run = saved;
    if (saved.date !== today && !saved.reported) {
      summary.dayEndedIncomplete = saved.date;
      metrics.addMetric('PayoutDayIncomplete', MetricUnit.Count, 1);
      run = { ...saved, reported: true };
    }
  } else if (summary.payoutDay && saved?.date !== today) {
    run = { date: today, bucket: 0, startKey: null, complete: false };
  } else {
    // Not a payout day, or today's run already examined everyone.
    return summary;
  }
  summary.runDate = run.date;
  const save = async (position: PayoutRunCursor) => {
    if (!options.force) await saveJobCursor(JOB, { run: { ...position } }, new Date(nowMs()).toISOString());
  };
  const heldSince = new Date(nowMs() - schedule.holdDays * 86_400_000).toISOString();
  for (const bucket of ALL_BUCKETS.slice(ALL_BUCKETS.indexOf(run.bucket))) {
    let startKey: Record<string, unknown> | undefined =
      bucket === run.bucket ? (run.startKey ?? undefined) : undefined;
    do {
      if (summary.examined >= options.maxSellers || !options.hasTimeLeft()) {
        summary.complete = false;
        await save({ ...run, bucket, startKey: startKey ?? null });
        logger.info('payouts proposed, run incomplete', { ...summary });
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
  await save({ ...run, complete: true, startKey: null });
  logger.info('payouts proposed', { ...summary });
  return summary;
}
