import { describe, expect, it } from 'vitest';
import { payoutPaidEntry } from '#model/journal';
import { isPayoutDay, nextPayoutDate, PayoutScheduleSchema } from '#model/payout-schedule';

describe('the payout schedule', () => {
  const mondays = PayoutScheduleSchema.parse({ weekday: 1 });
  const fifteenth = PayoutScheduleSchema.parse({ monthDay: 15, minimumAmount: 10_000 });

  it('finds the next payout day in Lima time', () => {
    // Friday 27 Nov 2026, 10:00 in Lima → Monday 30 Nov.
    expect(nextPayoutDate(mondays, new Date('2026-11-27T15:00:00Z'))).toBe('2026-11-30');
    // Monday 30 Nov 02:00 UTC is still Sunday 29 Nov in Lima.
    expect(isPayoutDay(mondays, new Date('2026-11-30T02:00:00Z'))).toBe(false);
    expect(isPayoutDay(mondays, new Date('2026-11-30T06:00:00Z'))).toBe(true);
    expect(nextPayoutDate(fifteenth, new Date('2026-11-27T15:00:00Z'))).toBe('2026-12-15');
    expect(nextPayoutDate(fifteenth, new Date('2026-12-15T12:00:00Z'))).toBe('2026-12-15');
  });

  it('takes a weekday or a month day, not both, and defaults the rest', () => {
    expect(PayoutScheduleSchema.safeParse({ weekday: 1, monthDay: 3 }).success).toBe(false);
    expect(PayoutScheduleSchema.safeParse({}).success).toBe(false);
    expect(PayoutScheduleSchema.safeParse({ monthDay: 29 }).success).toBe(false);
    expect(mondays).toMatchObject({ minimumAmount: 5_000, holdDays: 2, coolingOffHours: 48 });
  });

  it('books a paid payout as less owed to the seller and money out of the bank', () => {
    const entry = payoutPaidEntry(
      { id: 'po_1', sellerId: 's', amount: 12_600, currency: 'PEN' },
      '2026-12-05T00:00:00Z',
    );
    expect(entry.lines).toEqual([
      { account: 'seller_payable:s', amount: 12_600 },
      { account: 'bank', amount: -12_600 },
    ]);
    expect(entry.sellerMoves).toEqual({ s: { inTransit: -12_600, paidOut: 12_600 } });
  });
});
