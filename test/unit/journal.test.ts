import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  journalEntry,
  lateAcceptedEntry,
  latePaymentEntry,
  paymentEntry,
  refundApprovedEntry,
  refundFailedEntry,
  refundPaidOutEntry,
  UnbalancedEntryError,
  unmatchedPaymentEntry,
} from '#ledger/journal';
import type { Order } from '#orders/order';
import { acceptedShares, allocateRefund } from '#refunds/allocation';

/** Orders as the API admits them: splits that add up to the amount, fees within each split. */
const orders = fc
  .uniqueArray(
    fc.record({
      sellerId: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
      amount: fc.integer({ min: 1, max: 10_000_000 }),
      feeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 20, selector: (split) => split.sellerId },
  )
  .chain((splits) =>
    fc.constantFrom('PEN', 'USD').map(
      (currency) =>
        ({
          id: 'ord_01TEST',
          currency,
          amount: splits.reduce((sum, split) => sum + split.amount, 0),
          splits: splits.map((split) => ({
            sellerId: split.sellerId,
            amount: split.amount,
            fee: Math.floor(split.amount * split.feeShare),
          })),
        }) as unknown as Order,
    ),
  );

const sum = (lines: { amount: number }[]) => lines.reduce((total, line) => total + line.amount, 0);

describe('journal entries', () => {
  it('balance to zero for any order, crediting each seller amount − fee and the platform Σ fee', () => {
    fc.assert(
      fc.property(orders, (order) => {
        const entry = paymentEntry(order, '2026-11-27T10:00:00.000Z');
        expect(sum(entry.lines)).toBe(0);
        for (const split of order.splits) {
          const line = entry.lines.find(
            (candidate) => candidate.account === `seller_payable:${split.sellerId}`,
          );
          expect(line?.amount ?? 0).toBe(-(split.amount - split.fee) || 0);
        }
        const fees = order.splits.reduce((total, split) => total + split.fee, 0);
        expect(entry.lines.find((line) => line.account === 'platform_commission')?.amount ?? 0).toBe(
          -fees || 0,
        );
        expect(entry.lines.find((line) => line.account === 'psp_receivable')?.amount).toBe(order.amount);
        for (const line of entry.lines) expect(Number.isInteger(line.amount)).toBe(true);
      }),
    );
  });

  it('a late payment then its acceptance leaves the same balances as a payment on time, suspense at zero', () => {
    fc.assert(
      fc.property(orders, (order) => {
        const at = '2026-11-27T10:00:00.000Z';
        const totals = new Map<string, number>();
        for (const entry of [latePaymentEntry(order, order.amount, at), lateAcceptedEntry(order, at)]) {
          expect(sum(entry.lines)).toBe(0);
          for (const line of entry.lines)
            totals.set(line.account, (totals.get(line.account) ?? 0) + line.amount);
        }
        expect(totals.get('suspense') ?? 0).toBe(0);
        const onTime = new Map(paymentEntry(order, at).lines.map((line) => [line.account, line.amount]));
        for (const [account, amount] of onTime) expect(totals.get(account)).toBe(amount);
      }),
    );
  });

  it('a late payment partly refunded from suspense, then accepted: suspense ends at zero, the sellers get only the rest', () => {
    fc.assert(
      fc.property(orders, fc.double({ min: 0, max: 1, noNaN: true }), (order, part) => {
        const at = '2026-11-27T10:00:00.000Z';
        const amount = Math.floor(order.amount * part);
        const allocations = allocateRefund(amount, order.splits, true);
        const booking = {
          refundId: 'rf_1',
          orderId: order.id,
          amount,
          currency: order.currency,
          fromSuspense: true,
          sellerBucket: 'pending' as const,
          allocations,
        };
        const entries = [
          latePaymentEntry(order, order.amount, at),
          ...(amount > 0 ? [refundApprovedEntry(booking, at), refundPaidOutEntry(booking, at)] : []),
          lateAcceptedEntry(order, at, acceptedShares(order.splits, [{ refundFee: true, allocations }])),
        ];
        const totals = new Map<string, number>();
        for (const entry of entries) {
          expect(sum(entry.lines)).toBe(0);
          for (const line of entry.lines)
            totals.set(line.account, (totals.get(line.account) ?? 0) + line.amount);
        }
        expect(totals.get('suspense') ?? 0).toBe(0);
        const credited = [...totals].filter(
          ([account]) => account.startsWith('seller_payable:') || account === 'platform_commission',
        );
        expect(-sum(credited.map(([, amount]) => ({ amount })))).toBe(order.amount - amount);
      }),
    );
  });

  it('an unmatched payment, and a refund approved, paid out or failed, balance too', () => {
    fc.assert(
      fc.property(
        orders,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        (order, amount, fromSuspense) => {
          const at = '2026-11-27T10:00:00.000Z';
          expect(sum(unmatchedPaymentEntry('123', amount, 'PEN', at, 'a').lines)).toBe(0);
          const refund = {
            refundId: 'rf_1',
            orderId: order.id,
            amount: order.amount,
            currency: order.currency,
            fromSuspense,
            sellerBucket: 'pending' as const,
            allocations: order.splits.map((split) => ({
              sellerId: split.sellerId,
              amount: split.amount,
              fee: split.fee,
            })),
          };
          for (const entry of [
            refundApprovedEntry(refund, at),
            refundPaidOutEntry(refund, at),
            refundFailedEntry(refund, at),
          ]) {
            expect(sum(entry.lines)).toBe(0);
          }
        },
      ),
    );
  });

  it('refuses an entry that does not balance, or holds a non-integer amount', () => {
    const base = { id: 'x', at: '2026-11-27T10:00:00.000Z', currency: 'PEN', reason: 'payment' as const };
    expect(() =>
      journalEntry({
        ...base,
        lines: [
          { account: 'psp_receivable', amount: 100 },
          { account: 'suspense', amount: -99 },
        ],
      }),
    ).toThrow(UnbalancedEntryError);
    expect(() =>
      journalEntry({
        ...base,
        lines: [
          { account: 'psp_receivable', amount: 0.5 },
          { account: 'suspense', amount: -0.5 },
        ],
      }),
    ).toThrow(UnbalancedEntryError);
  });
});
