import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Split } from '#model/order';
import { allocateRefund, largestRemainder } from '#model/refund-allocation';

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('largest remainder', () => {
  it('splits in proportion, the units left to the largest remainders, ties to the earlier', () => {
    // 7 over 2:1 is 4.67 + 2.33: the floors take 6, the unit left goes to the .67.
    expect(largestRemainder(7, [2, 1])).toEqual([5, 2]);
    expect(largestRemainder(7, [1, 2])).toEqual([2, 5]);
    // 1.9 + 3.1: the unit goes to the larger remainder (.9), not to the larger share.
    expect(largestRemainder(5, [19, 31])).toEqual([2, 3]);
    expect(largestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
    // 10 over 1:1:3 is 2 + 2 + 6: exact, nothing left to hand out.
    expect(largestRemainder(10, [1, 1, 3])).toEqual([2, 2, 6]);
    expect(largestRemainder(10, [0, 5, 5])).toEqual([0, 5, 5]);
    expect(largestRemainder(5, [0, 0])).toEqual([0, 0]);
    expect(largestRemainder(0, [3, 4])).toEqual([0, 0]);
  });

  it('gives parts that add up to the whole, each within one unit of its exact share, the units to the largest remainders', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const shares = largestRemainder(total, weights);
          expect(shares).toHaveLength(weights.length);
          const weight = sum(weights);
          if (weight === 0) {
            expect(shares.every((share) => share === 0)).toBe(true);
            return;
          }
          expect(sum(shares)).toBe(total);
          // Exact shares as quotient and remainder of integers, so ties are ties.
          const roundedUp: bigint[] = [];
          const roundedDown: bigint[] = [];
          weights.forEach((w, index) => {
            const product = BigInt(total) * BigInt(w);
            const floor = Number(product / BigInt(weight));
            const remainder = product % BigInt(weight);
            const share = shares[index] ?? Number.NaN;
            expect(share).toBeGreaterThanOrEqual(floor);
            expect(share).toBeLessThanOrEqual(remainder === 0n ? floor : floor + 1);
            (share > floor ? roundedUp : roundedDown).push(remainder);
          });
          // No share left at its floor has a larger remainder than one that got a unit more.
          for (const up of roundedUp) for (const down of roundedDown) expect(up >= down).toBe(true);
        },
      ),
    );
  });
});

describe('refund allocation', () => {
  // S/ 150.00: s1 10000 (fee 500), s2 5000 (fee 250).
  const splits: Split[] = [
    { sellerId: 's1', amount: 10000, fee: 500 },
    { sellerId: 's2', amount: 5000, fee: 250 },
  ];

  it('by default, pro rata to the splits, the sellers bearing it all', () => {
    expect(allocateRefund(3001, splits, false)).toEqual([
      { sellerId: 's1', amount: 2001, fee: 0 },
      { sellerId: 's2', amount: 1000, fee: 0 },
    ]);
  });

  it('with the fee refunded, the platform bears each split’s fee share, rounded down', () => {
    // s1: 2001 × 500 / 10000 = 100.05 → 100; s2: 1000 × 250 / 5000 = 50.
    expect(allocateRefund(3001, splits, true)).toEqual([
      { sellerId: 's1', amount: 2001, fee: 100 },
      { sellerId: 's2', amount: 1000, fee: 50 },
    ]);
  });

  it('a full refund with the fee gives back every fee exactly', () => {
    expect(allocateRefund(15000, splits, true)).toEqual([
      { sellerId: 's1', amount: 10000, fee: 500 },
      { sellerId: 's2', amount: 5000, fee: 250 },
    ]);
  });

  it('takes the amounts the caller asked for, and no fee from a seller not in the splits or without amount', () => {
    const requested = [
      { sellerId: 's2', amount: 5000 },
      { sellerId: 'stranger', amount: 100 },
    ];
    expect(allocateRefund(5100, splits, true, requested)).toEqual([
      { sellerId: 's2', amount: 5000, fee: 250 },
      { sellerId: 'stranger', amount: 100, fee: 0 },
    ]);
    expect(
      allocateRefund(100, [{ sellerId: 'z', amount: 0, fee: 0 }], true, [{ sellerId: 'z', amount: 100 }]),
    ).toEqual([{ sellerId: 'z', amount: 100, fee: 0 }]);
  });

  it('for any order and amount: parts add up to the refund, each fee within its part and its split’s fee', () => {
    const orders = fc.uniqueArray(
      fc.record({
        sellerId: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        amount: fc.integer({ min: 1, max: 10_000_000 }),
        feeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 10, selector: (split) => split.sellerId },
    );
    fc.assert(
      fc.property(
        orders,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (raw, part, refundFee) => {
          const order: Split[] = raw.map(({ sellerId, amount, feeShare }) => ({
            sellerId,
            amount,
            fee: Math.floor(amount * feeShare),
          }));
          const amount = Math.floor(sum(order.map((split) => split.amount)) * part);
          const allocations = allocateRefund(amount, order, refundFee);
          expect(allocations.map((allocation) => allocation.sellerId)).toEqual(
            order.map((split) => split.sellerId),
          );
          expect(sum(allocations.map((allocation) => allocation.amount))).toBe(amount);
          allocations.forEach((allocation, index) => {
            const split = order[index] as Split;
            expect(allocation.amount).toBeLessThanOrEqual(split.amount);
            expect(allocation.fee).toBeGreaterThanOrEqual(0);
            expect(allocation.fee).toBeLessThanOrEqual(
              refundFee ? Math.min(allocation.amount, split.fee) : 0,
            );
          });
        },
      ),
    );
  });
});
