// zod/mini: the payout job and the ledger read it at init, and load no other zod (decision 57).
import * as z from 'zod/mini';
import { DEFAULT_PAYOUT_SCHEDULE, type PayoutSchedule } from '#contract/stage-defaults';
import { config } from '#platform/config';
import { limaWallClock } from '#platform/lima-time';
import { schema } from '#platform/schema';
import { issuesText } from '#platform/zod-english';

/**
 * When sellers are paid: on a weekday (0 = Sunday … 6 = Saturday) or a day of the month (1–28, so
 * every month has it), Lima time; only balances of at least `minimumAmount` (minor units), only
 * money that has been available for `holdDays`. A changed bank account receives nothing for
 * `coolingOffHours`. Given to the functions as JSON in PAYOUT_SCHEDULE (lib/stage-config.ts per stage).
 */
export const PayoutScheduleSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      weekday: z.optional(z.int().check(z.gte(0), z.lte(6))),
      monthDay: z.optional(z.int().check(z.gte(1), z.lte(28))),
      minimumAmount: z._default(z.int().check(z.gte(1)), DEFAULT_PAYOUT_SCHEDULE.minimumAmount),
      holdDays: z._default(z.number().check(z.gte(0)), DEFAULT_PAYOUT_SCHEDULE.holdDays),
      coolingOffHours: z._default(z.number().check(z.gte(0)), DEFAULT_PAYOUT_SCHEDULE.coolingOffHours),
    })
    .check(
      z.refine((schedule) => (schedule.weekday === undefined) !== (schedule.monthDay === undefined), {
        message: 'Give either weekday or monthDay.',
      }),
    ),
);
/** Its shape and the defaults (Mondays) are stage defaults, which the CDK app reads too. */
export type { PayoutSchedule };
export { DEFAULT_PAYOUT_SCHEDULE };

let cached: { source: string | undefined; parsed: PayoutSchedule } | undefined;

export function payoutSchedule(): PayoutSchedule {
  const source = config().PAYOUT_SCHEDULE;
  if (cached === undefined || cached.source !== source) {
    const parsed = PayoutScheduleSchema.safeParse(
      source === undefined ? DEFAULT_PAYOUT_SCHEDULE : JSON.parse(source),
    );
    if (!parsed.success) throw new Error(`Invalid PAYOUT_SCHEDULE: ${issuesText(parsed.error)}`);
    cached = { source, parsed: parsed.data };
  }
  return cached.parsed;
}

/** The Lima calendar date of an instant, `yyyy-mm-dd`. */
export const limaDate = (at: Date) => limaWallClock(at).toISOString().slice(0, 10);

function isPayoutDate(schedule: PayoutSchedule, date: string): boolean {
  const day = new Date(`${date}T12:00:00Z`);
  return schedule.weekday !== undefined
    ? day.getUTCDay() === schedule.weekday
    : day.getUTCDate() === schedule.monthDay;
}

export const isPayoutDay = (schedule: PayoutSchedule, at: Date) => isPayoutDate(schedule, limaDate(at));

/** The next payout date on or after `at` (Lima), `yyyy-mm-dd`. */
export function nextPayoutDate(schedule: PayoutSchedule, at: Date): string {
  for (let days = 0; days <= 31; days++) {
    const date = limaDate(new Date(at.getTime() + days * 86_400_000));
    if (isPayoutDate(schedule, date)) return date;
  }
  throw new Error('no payout date within a month');
}
