import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Currency } from '#model/money';
import { advanceClock, nowMs } from '#platform/clock';
import { assessRisk } from '#risk/assess';

/**
 * The default risk rules against DynamoDB Local's counters (outside test 11): amounts are counted
 * per currency — soles and dollars never added — and a 24 h window is a Lima day.
 */
const buyer = () => {
  const documentNumber = String(randomInt(10_000_000, 99_999_999));
  return { documentNumber, email: `r${documentNumber}@example.pe` };
};
const ip = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const assess = (who: ReturnType<typeof buyer>, currency: Currency, amount: number, from = ip()) =>
  assessRisk({ buyer: who, currency, amount, ip: from });

describe('risk rules in two currencies', () => {
  it('never add soles to dollars: S/ 3,000 + US$ 1,000 + S/ 1,000 from one buyer passes; US$ 1,000 + US$ 600 is flagged', async () => {
    const soles = buyer();
    expect(await assess(soles, 'PEN', 300_000)).toEqual({ decision: 'allow' });
    expect(await assess(soles, 'USD', 100_000)).toEqual({ decision: 'allow' });
    expect(await assess(soles, 'PEN', 100_000)).toEqual({ decision: 'allow' });
    const dollars = buyer();
    expect(await assess(dollars, 'USD', 100_000)).toEqual({ decision: 'allow' });
    expect(await assess(dollars, 'USD', 60_000)).toEqual({ decision: 'flag', rules: ['buyer-daily-amount'] });
  });

  it('count an order as large by its own currency: a 3rd US$ 200 order from one IP is flagged, US$ 140 ones are not', async () => {
    const large = ip();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await assess(buyer(), 'USD', 20_000, large));
    expect(answers.map((answer) => answer.decision)).toEqual(['allow', 'allow', 'flag']);
    const small = ip();
    for (let i = 0; i < 3; i++)
      expect(await assess(buyer(), 'USD', 14_000, small)).toEqual({ decision: 'allow' });
  });

  it("turn a 24 h window at Lima's midnight, not at UTC's (19:00 in Lima)", async () => {
    const msToNext = (hourUtc: number) => {
      const day = 86_400_000;
      const at = nowMs();
      const next = Math.floor(at / day) * day + hourUtc * 3_600_000;
      return (next > at ? next : next + day) - at;
    };
    // Across UTC midnight, 18:59:30 → 19:00:30 in Lima: one Lima day, one window → flagged.
    advanceClock(Math.ceil(msToNext(0) / 1000) - 30);
    const evening = buyer();
    expect(await assess(evening, 'PEN', 300_000)).toEqual({ decision: 'allow' });
    advanceClock(60);
    expect(await assess(evening, 'PEN', 250_000)).toEqual({
      decision: 'flag',
      rules: ['buyer-daily-amount'],
    });
    // Across Lima's midnight (05:00 UTC): two Lima days → counted apart.
    advanceClock(Math.ceil(msToNext(5) / 1000) - 30);
    const night = buyer();
    expect(await assess(night, 'PEN', 300_000)).toEqual({ decision: 'allow' });
    advanceClock(60);
    expect(await assess(night, 'PEN', 250_000)).toEqual({ decision: 'allow' });
  });
});
