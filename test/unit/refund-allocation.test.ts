import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Split } from '#model/order';
import {
  acceptedShares,
  allocateRefund,
  type EarlierRefund,
  largestRemainder,
} from '#model/refund-allocation';

/** Splits as the API admits them: one per seller, fees within each split, awkward amounts. */
const splitsArb = fc.uniqueArray(
  fc.record({
    sellerId: fc.stringMatching(/^[a-z0-9-]{1,8}$/),
    amount: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 100_000_000 })),
    feePart: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { minLength: 1, maxLength: 6, selector: (split) => split.sellerId },
);
const toSplits = (raw: { sellerId: string; amount: number; feePart: number }[]): Split[] =>
  raw.map(({ sellerId, amount, feePart }) => ({ sellerId, amount, fee: Math.floor(amount * feePart) }));

/** Cuts `total` into 1–8 positive parts, in any order. */
const partsOf = (total: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), { maxLength: Math.min(7, total - 1) })
    .map((cuts) => {
      const points = [0, ...cuts.filter((cut) => cut < total).sort((a, b) => a - b), total];
      return points.slice(1).map((point, index) => point - (points[index] ?? 0));
    });

const sumOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);

/** Splits, and their total cut into the parts refunded one after another. */
const splitsAndParts = splitsArb
  .map(toSplits)
  .chain((splits) => fc.tuple(fc.constant(splits), partsOf(sumOf(splits.map((s) => s.amount)))));

/** Refunds one after another, each reckoned on the ones before it (as requestRefund does). */
function refundInParts(splits: Split[], parts: number[], refundFee = true): EarlierRefund[] {
  const made: EarlierRefund[] = [];
  for (const part of parts) {
    made.push({ refundFee, allocations: allocateRefund(part, splits, refundFee, undefined, made) });
  }
  return made;
}

function totalsBySeller(refunds: EarlierRefund[]) {
  const totals = new Map<string, { amount: number; fee: number }>();
  for (const refund of refunds) {
    for (const allocation of refund.allocations) {
      const total = totals.get(allocation.sellerId) ?? { amount: 0, fee: 0 };
      totals.set(allocation.sellerId, {
        amount: total.amount + allocation.amount,
        fee: total.fee + allocation.fee,
      });
    }
  }
  return totals;
}

describe('refund allocation', () => {
  it('splits any amount over any weights in parts that sum to the whole, each within a unit of its share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 10 }),
        (total, weights) => {
          const shares = largestRemainder(total, weights);
          const weightSum = sumOf(weights);
          expect(sumOf(shares)).toBe(weightSum === 0 ? 0 : total);
          shares.forEach((share, index) => {
            const exact = weightSum === 0 ? 0 : (total * (weights[index] ?? 0)) / weightSum;
            expect(Number.isInteger(share)).toBe(true);
            expect(Math.abs(share - exact)).toBeLessThanOrEqual(1);
          });
        },
      ),
    );
  });

  it('returns exactly every split amount and every fee when any sequence of partial refunds adds up to the payment', () => {
    fc.assert(
      fc.property(splitsAndParts, ([splits, parts]) => {
        const refunds = refundInParts(splits, parts);
        refunds.forEach((refund, index) => {
          // Each refund's parts sum to it; the platform never gives back more than the part.
          expect(sumOf(refund.allocations.map((allocation) => allocation.amount))).toBe(parts[index]);
          for (const allocation of refund.allocations) {
            expect(allocation.amount).toBeGreaterThanOrEqual(0);
            expect(allocation.fee).toBeGreaterThanOrEqual(0);
            expect(allocation.fee).toBeLessThanOrEqual(allocation.amount);
          }
        });
        const totals = totalsBySeller(refunds);
        for (const split of splits) {
          expect(totals.get(split.sellerId)).toEqual({ amount: split.amount, fee: split.fee });
        }
      }),
    );
  });

  it('never asks a seller for more than is left of its split, part by part, fees included', () => {
    fc.assert(
      fc.property(splitsAndParts, ([splits, parts]) => {
        const made: EarlierRefund[] = [];
        for (const part of parts) {
          made.push({ refundFee: true, allocations: allocateRefund(part, splits, true, undefined, made) });
          const totals = totalsBySeller(made);
          for (const split of splits) {
            const taken = totals.get(split.sellerId) ?? { amount: 0, fee: 0 };
            expect(taken.amount).toBeLessThanOrEqual(split.amount);
            expect(taken.fee).toBeLessThanOrEqual(split.fee);
          }
        }
      }),
      {
        examples: [
          [
            [
              [
                { sellerId: 'a', amount: 6_001, fee: 601 },
                { sellerId: 'b', amount: 3_999, fee: 399 },
              ],
              [5_000, 5_000],
            ],
          ],
        ],
      },
    );
  });

  it('a late payment accepted after refunds from suspense, then refunded in parts: every amount and fee exactly once', () => {
    fc.assert(
      fc.property(splitsAndParts, fc.nat(), ([splits, parts], cut) => {
        const before = parts.slice(0, cut % parts.length);
        const fromSuspense = refundInParts(splits, before);
        const accepted = acceptedShares(splits, fromSuspense);
        // What the sellers and the platform are credited on acceptance is exactly what is left.
        expect(sumOf(accepted.map((share) => share.amount)) + sumOf(before)).toBe(
          sumOf(splits.map((split) => split.amount)),
        );
        const after: EarlierRefund[] = [...fromSuspense];
        for (const part of parts.slice(before.length)) {
          after.push({
            refundFee: true,
            allocations: allocateRefund(part, splits, true, undefined, after),
          });
        }
        const laterOnly = totalsBySeller(after.slice(fromSuspense.length));
        for (const share of accepted) {
          // The refunds after acceptance take back exactly what acceptance credited.
          expect(laterOnly.get(share.sellerId) ?? { amount: 0, fee: 0 }).toEqual({
            amount: share.amount,
            fee: share.fee,
          });
        }
      }),
    );
  });

  it('gives the 1,001 fee of a 10,000 order back whole when it is refunded in two halves (the drill)', () => {
    const splits = [{ sellerId: 's', amount: 10_000, fee: 1_001 }];
    const [first, second] = refundInParts(splits, [5_000, 5_000]);
    expect(first?.allocations).toEqual([{ sellerId: 's', amount: 5_000, fee: 500 }]);
    expect(second?.allocations).toEqual([{ sellerId: 's', amount: 5_000, fee: 501 }]);
  });

  it('leaves the fee with the platform for refunds without refundFee, and gives back only the rest later', () => {
    const splits = [{ sellerId: 's', amount: 10_000, fee: 1_001 }];
    const kept: EarlierRefund[] = [{ refundFee: false, allocations: allocateRefund(5_000, splits, false) }];
    expect(kept[0]?.allocations).toEqual([{ sellerId: 's', amount: 5_000, fee: 0 }]);
    // The second half gives back the fee of its own half only, not the half the platform kept.
    expect(allocateRefund(5_000, splits, true, undefined, kept)).toEqual([
      { sellerId: 's', amount: 5_000, fee: 500 },
    ]);
  });

  it('keeps a caller’s own allocations, reckoning the fee on what that seller already had refunded', () => {
    const splits = [
      { sellerId: 'a', amount: 6_001, fee: 601 },
      { sellerId: 'b', amount: 3_999, fee: 399 },
    ];
    const first = allocateRefund(3_000, splits, true, [{ sellerId: 'a', amount: 3_000 }]);
    expect(first).toEqual([{ sellerId: 'a', amount: 3_000, fee: 300 }]);
    const rest = allocateRefund(7_000, splits, true, undefined, [{ refundFee: true, allocations: first }]);
    expect(rest).toEqual([
      { sellerId: 'a', amount: 3_001, fee: 301 },
      { sellerId: 'b', amount: 3_999, fee: 399 },
    ]);
  });
});
