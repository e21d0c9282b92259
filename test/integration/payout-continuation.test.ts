import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { type PayoutRunSummary, proposePayouts } from '#jobs/create-payouts';
import { limaDate, PayoutScheduleSchema } from '#model/payout-schedule';
import { dynamo } from '#platform/aws';
import { advanceClock, nowMs } from '#platform/clock';
import { tableName } from '#platform/config';
import { useOwnTable } from '../support/own-table';

const SELLERS = 30;

/**
 * A payout run cut short (too many sellers, too little time) must not leave the rest for next
 * week: the next run — within the hour on the same day, or the day after — continues where it
 * stopped. A table of its own: the job's position and the sellers due are this test's only.
 */
describe('create-payouts continues an incomplete run', () => {
  let restoreTable: () => void;
  const today = () => limaDate(new Date(nowMs()));
  // Today (Lima) is the payout day; every seller's money is due, none has a bank account yet.
  const schedule = () =>
    PayoutScheduleSchema.parse({
      weekday: new Date(`${today()}T12:00:00Z`).getUTCDay(),
      minimumAmount: 100,
      holdDays: 0,
      coolingOffHours: 0,
    });
  const run = (maxSellers: number) => proposePayouts(schedule(), { maxSellers, hasTimeLeft: () => true });

  beforeAll(async () => {
    restoreTable = await useOwnTable('payout-continuation');
    const since = new Date(nowMs() - 86_400_000).toISOString();
    const items = Array.from({ length: SELLERS }, (_, i) => {
      const sellerId = `seller-cont-${i}`;
      return {
        ...sellerBalanceEntity.key(sellerId),
        ...sellerBalanceEntity.payoutDueKeys(sellerId, since),
        entity: sellerBalanceEntity.name,
        sellerId,
        available_PEN: 10_000,
      };
    });
    for (let i = 0; i < items.length; i += 25) {
      await dynamo().send(
        new BatchWriteCommand({
          RequestItems: { [tableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
  }, 120_000);

  afterAll(() => restoreTable());

  it('examines every due seller exactly once across bounded runs, then stops for the day', async () => {
    const runs: PayoutRunSummary[] = [];
    // Each run stops once it has examined one seller (after the page it is on): many runs needed.
    do runs.push(await run(1));
    while (!runs.at(-1)?.complete && runs.length < SELLERS + 5);
    expect(runs.length).toBeGreaterThan(2);
    expect(runs.at(-1)?.complete).toBe(true);
    expect(runs.reduce((total, summary) => total + summary.examined, 0)).toBe(SELLERS);
    expect(runs.reduce((total, summary) => total + (summary.skipped.no_bank_account ?? 0), 0)).toBe(SELLERS);
    // Today's run is done: an hourly run later today reads nothing.
    expect(await run(1)).toMatchObject({ payoutDay: true, examined: 0, complete: true });
  });

  it('finishes a payout day left incomplete on the next day, and says so once', async () => {
    // Next week's payout day: a new run, cut short.
    advanceClock(7 * 86_400);
    const first = await run(1);
    expect(first).toMatchObject({ payoutDay: true, complete: false, runDate: today() });
    const payoutDay = today();
    // The day ends; the next morning's run (not a payout day) continues that day's run.
    advanceClock(86_400);
    const nextDay = await proposePayouts(
      { ...schedule(), weekday: (new Date(`${payoutDay}T12:00:00Z`).getUTCDay() + 3) % 7 },
      { maxSellers: 1, hasTimeLeft: () => true },
    );
    expect(nextDay).toMatchObject({ runDate: payoutDay, dayEndedIncomplete: payoutDay });
    expect(nextDay.examined).toBeGreaterThan(0);
    const rest: PayoutRunSummary[] = [nextDay];
    while (!rest.at(-1)?.complete && rest.length < SELLERS + 5) rest.push(await run(SELLERS));
    expect(rest.at(-1)?.complete).toBe(true);
    // Reported once only.
    expect(rest.slice(1).every((summary) => summary.dayEndedIncomplete === undefined)).toBe(true);
    expect(first.examined + rest.reduce((total, summary) => total + summary.examined, 0)).toBe(SELLERS);
  });
});
