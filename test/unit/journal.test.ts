import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  journalEntry,
  lateAcceptedEntry,
  latePaymentEntry,
  paymentEntry,
  payoutPaidEntry,
  refundApprovedEntry,
  refundFailedEntry,
  refundPaidOutEntry,
  sellerOf,
  settlementEntry,
  UnbalancedEntryError,
  unmatchedPaymentEntry,
} from '#model/journal';
import type { Order } from '#model/order';
import { acceptedShares, allocateRefund } from '#model/refund-allocation';

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
      // Part, not all: a payment refunded whole is REFUNDED, which cannot be accepted (state machine),
      // and an acceptance of nothing would be an entry that moves nothing.
      fc.property(orders, fc.double({ min: 0, max: 1, noNaN: true }), (order, part) => {
        const at = '2026-11-27T10:00:00.000Z';
        const amount = Math.min(order.amount - 1, Math.floor(order.amount * part));
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

/**
 * What each entry says, not only that it balances: the accounts, the signs, the amounts, and the id
 * derived from the business fact (the store writes an entry only if its id is new, so an id that
 * lost its fact would let one payment be booked twice, or stop a second one being booked at all).
 */
describe('what each journal entry books', () => {
  const at = '2026-11-27T10:00:00.000Z';
  // S/ 150.00 over two sellers; the platform keeps 5 % of each split.
  const order = {
    id: 'ord_1',
    currency: 'PEN',
    amount: 15000,
    splits: [
      { sellerId: 's1', amount: 10000, fee: 500 },
      { sellerId: 's2', amount: 5000, fee: 250 },
    ],
  } as unknown as Order;
  const shares = [
    { account: 'seller_payable:s1', amount: -9500 },
    { account: 'seller_payable:s2', amount: -4750 },
    { account: 'platform_commission', amount: -750 },
  ];
  // S/ 30.00 of it refunded: 20.00 borne by s1 (1.00 of it the platform's fee given back), 10.00 by s2.
  const refund = {
    refundId: 'rf_1',
    orderId: 'ord_1',
    amount: 3000,
    currency: 'PEN',
    fromSuspense: false,
    sellerBucket: 'available' as const,
    allocations: [
      { sellerId: 's1', amount: 2000, fee: 100 },
      { sellerId: 's2', amount: 1000, fee: 50 },
    ],
  };
  const refundKeys = { currency: 'PEN', orderId: 'ord_1', refundId: 'rf_1', at };

  it('a payment on time: PagoEfectivo owes the gross; each seller amount − fee, the platform Σ fee', () => {
    expect(paymentEntry(order, at)).toEqual({
      id: 'payment:ord_1',
      at,
      currency: 'PEN',
      reason: 'payment',
      orderId: 'ord_1',
      lines: [{ account: 'psp_receivable', amount: 15000 }, ...shares],
    });
  });

  it('a late payment: collected, and held in suspense for the order', () => {
    expect(latePaymentEntry(order, 15000, at)).toEqual({
      id: 'late_payment:ord_1',
      at,
      currency: 'PEN',
      reason: 'late_payment',
      orderId: 'ord_1',
      lines: [
        { account: 'psp_receivable', amount: 15000 },
        { account: 'suspense', amount: -15000 },
      ],
    });
  });

  it('a late payment accepted: out of suspense to the shares; available at once only if already settled', () => {
    const accepted = {
      id: 'late_payment_accepted:ord_1',
      at,
      currency: 'PEN',
      reason: 'late_payment_accepted',
      orderId: 'ord_1',
      lines: [{ account: 'suspense', amount: 15000 }, ...shares],
    };
    expect(lateAcceptedEntry(order, at)).toStrictEqual(accepted);
    const settled = { ...order, settlement: { id: 'stl_x', line: 2 } } as Order;
    expect(lateAcceptedEntry(settled, at)).toEqual({
      ...accepted,
      sellerMoves: { s1: { available: 9500 }, s2: { available: 4750 } },
    });
  });

  it('an unmatched payment: collected, held in suspense under its key and anomaly', () => {
    const lines = [
      { account: 'psp_receivable', amount: 1000 },
      { account: 'suspense', amount: -1000 },
    ];
    const base = { at, currency: 'USD', reason: 'unmatched_payment', anomalyId: 'anm_1', lines };
    expect(unmatchedPaymentEntry('2500123:901', 1000, 'USD', at, 'anm_1', 'ord_1')).toEqual({
      ...base,
      id: 'unmatched_payment:2500123:901',
      orderId: 'ord_1',
    });
    expect(unmatchedPaymentEntry('2500124:902', 1000, 'USD', at, 'anm_1')).toStrictEqual({
      ...base,
      id: 'unmatched_payment:2500124:902',
    });
  });

  it('a refund approved: the sellers give back amount − fee, the platform the fee, into refunds payable', () => {
    expect(refundApprovedEntry(refund, at)).toEqual({
      ...refundKeys,
      id: 'refund_approved:rf_1',
      reason: 'refund_approved',
      lines: [
        { account: 'seller_payable:s1', amount: 1900 },
        { account: 'seller_payable:s2', amount: 950 },
        { account: 'platform_commission', amount: 150 },
        { account: 'refunds_payable', amount: -3000 },
      ],
      // What each seller bears leaves the bucket the shares are in and is reserved for the transfer.
      sellerMoves: {
        s1: { available: -1900, reservedForRefunds: 1900 },
        s2: { available: -950, reservedForRefunds: 950 },
      },
    });
    expect(refundApprovedEntry({ ...refund, sellerBucket: 'pending' }, at).sellerMoves).toEqual({
      s1: { pending: -1900, reservedForRefunds: 1900 },
      s2: { pending: -950, reservedForRefunds: 950 },
    });
  });

  it('a refund of a late payment comes out of suspense and moves no seller money', () => {
    expect(refundApprovedEntry({ ...refund, fromSuspense: true }, at)).toEqual({
      ...refundKeys,
      id: 'refund_approved:rf_1',
      reason: 'refund_approved',
      lines: [
        { account: 'suspense', amount: 3000 },
        { account: 'refunds_payable', amount: -3000 },
      ],
      sellerMoves: {},
    });
    expect(refundPaidOutEntry({ ...refund, fromSuspense: true }, at).sellerMoves).toEqual({});
    expect(refundFailedEntry({ ...refund, fromSuspense: true }, at).sellerMoves).toEqual({});
  });

  it('a refund paid out: the bank pays refunds payable; each seller’s reserve is released by what they bore', () => {
    expect(refundPaidOutEntry(refund, at)).toEqual({
      ...refundKeys,
      id: 'refund_paid_out:rf_1',
      reason: 'refund_paid_out',
      lines: [
        { account: 'refunds_payable', amount: 3000 },
        { account: 'bank', amount: -3000 },
      ],
      sellerMoves: { s1: { reservedForRefunds: -1900 }, s2: { reservedForRefunds: -950 } },
    });
  });

  it('a refund failed: the approval reversed line by line and bucket by bucket', () => {
    expect(refundFailedEntry(refund, at)).toEqual({
      ...refundKeys,
      id: 'refund_failed:rf_1',
      reason: 'refund_failed',
      lines: [
        { account: 'seller_payable:s1', amount: -1900 },
        { account: 'seller_payable:s2', amount: -950 },
        { account: 'platform_commission', amount: -150 },
        { account: 'refunds_payable', amount: 3000 },
      ],
      sellerMoves: {
        s1: { available: 1900, reservedForRefunds: -1900 },
        s2: { available: 950, reservedForRefunds: -950 },
      },
    });
  });

  it('a settled payment: the net reaches the bank, commission and IGV are expenses, the gross leaves the receivable', () => {
    const payment = {
      settlementId: 'stl_x',
      cip: '2500123',
      operationNumber: '901234',
      orderId: 'ord_1',
      currency: 'PEN',
      gross: 15000,
      commission: 350,
      tax: 63,
      net: 14587,
      released: { s1: 9500, s2: 0 },
    };
    expect(settlementEntry(payment, at)).toEqual({
      // Per payment (CIP and operation), so a payment listed again in any report is not booked twice.
      id: 'settlement:2500123:901234',
      at,
      currency: 'PEN',
      reason: 'settlement',
      orderId: 'ord_1',
      settlementId: 'stl_x',
      lines: [
        { account: 'bank', amount: 14587 },
        { account: 'psp_fee_expense', amount: 350 },
        { account: 'psp_fee_tax', amount: 63 },
        { account: 'psp_receivable', amount: -15000 },
      ],
      // A seller with nothing released has no move at all.
      sellerMoves: { s1: { pending: -9500, available: 9500 } },
    });
  });

  it('a payout paid: we owe the seller that much less, the bank paid it; in transit → paid out', () => {
    expect(payoutPaidEntry({ id: 'po_1', sellerId: 's1', amount: 9500, currency: 'PEN' }, at)).toEqual({
      id: 'payout_paid:po_1',
      at,
      currency: 'PEN',
      reason: 'payout_paid',
      payoutId: 'po_1',
      lines: [
        { account: 'seller_payable:s1', amount: 9500 },
        { account: 'bank', amount: -9500 },
      ],
      sellerMoves: { s1: { inTransit: -9500, paidOut: 9500 } },
    });
  });

  it('merges lines per account and drops the zeros', () => {
    const entry = journalEntry({
      id: 'x',
      at,
      currency: 'PEN',
      reason: 'payment',
      lines: [
        { account: 'psp_receivable', amount: 100 },
        { account: 'suspense', amount: -60 },
        { account: 'bank', amount: 0 },
        { account: 'suspense', amount: -40 },
      ],
    });
    expect(entry.lines).toEqual([
      { account: 'psp_receivable', amount: 100 },
      { account: 'suspense', amount: -100 },
    ]);
  });

  it('refuses an entry that moves nothing, and names the entry and its merged lines', () => {
    const base = { id: 'x', at, currency: 'PEN', reason: 'payment' as const };
    expect(() => journalEntry({ ...base, lines: [{ account: 'bank', amount: 0 }] })).toThrow(
      UnbalancedEntryError,
    );
    const refused = (() => {
      try {
        journalEntry({
          ...base,
          lines: [
            { account: 'bank', amount: 100 },
            { account: 'bank', amount: -100 },
          ],
        });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toMatchObject({
      name: 'UnbalancedEntryError',
      message: 'Journal entry x does not balance: []',
      entry: { ...base, lines: [] },
    });
    expect(() =>
      journalEntry({
        ...base,
        lines: [
          { account: 'bank', amount: 100 },
          { account: 'suspense', amount: -99 },
        ],
      }),
    ).toThrow(
      'Journal entry x does not balance: [{"account":"bank","amount":100},{"account":"suspense","amount":-99}]',
    );
  });

  it('reads the seller out of a seller account', () => {
    expect(sellerOf('seller_payable:s1')).toBe('s1');
    expect(sellerOf('seller_payable:a:b')).toBe('a:b');
    expect(sellerOf('bank')).toBeUndefined();
    expect(sellerOf('platform_commission')).toBeUndefined();
  });
});
