import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import {
  type JournalEntry,
  lateAcceptedEntry,
  latePaymentEntry,
  paymentEntry,
  refundApprovedEntry,
  refundPaidOutEntry,
} from '#model/journal';
import {
  compareTotals,
  emptyIntegrityState,
  foldEntry,
  type IntegrityState,
  type StoredTotals,
} from '#model/ledger-integrity';
import type { Order } from '#model/order';

// What the job does with entries read from the ledger index, without the index: the checks a
// real stack cannot be made to break (every booking path refuses them), fed hand-made histories.

const order = {
  id: 'ord_1',
  currency: 'PEN',
  amount: 10000,
  splits: [
    { sellerId: 's1', amount: 6000, fee: 600 },
    { sellerId: 's2', amount: 4000, fee: 400 },
  ],
} as unknown as Order;
const at = '2026-12-01T10:00:00.000Z';
const booking = (refundId: string, amount: number, fromSuspense = false) => ({
  refundId,
  orderId: order.id,
  amount,
  currency: 'PEN',
  fromSuspense,
  sellerBucket: 'pending' as const,
  allocations: fromSuspense
    ? []
    : [
        { sellerId: 's1', amount: (amount * 6) / 10, fee: (amount * 6) / 100 },
        { sellerId: 's2', amount: (amount * 4) / 10, fee: (amount * 4) / 100 },
      ],
});

function fold(entries: JournalEntry[]): IntegrityState {
  const state = emptyIntegrityState();
  for (const entry of entries) foldEntry(state, entry, journalEntryEntity.subjectOf);
  return state;
}

/** The totals the bookings of `entries` would have left: what a healthy store holds. */
function consistentTotals(state: IntegrityState): StoredTotals {
  const accounts: StoredTotals['accounts'] = {};
  for (const [account, byCurrency] of Object.entries(state.lines)) {
    const target = account.startsWith('seller_payable:') ? 'seller_payable' : account;
    for (const [currency, amount] of Object.entries(byCurrency)) {
      const totals = accounts[target] ?? {};
      totals[currency] = (totals[currency] ?? 0) + amount;
      accounts[target] = totals;
    }
  }
  return { accounts, sellers: {}, inTransit: {} };
}

describe('the ledger integrity checks', () => {
  it('find nothing in a healthy history: payment, refund paid out, refund reserved', () => {
    const state = fold([
      paymentEntry(order, at),
      refundApprovedEntry(booking('r1', 5000), at),
      refundPaidOutEntry(booking('r1', 5000), at),
      refundApprovedEntry(booking('r2', 1000), at),
    ]);
    const stored = consistentTotals(state);
    // s1: 5400 credited, 2700 back with r1, 540 with r2 (reserved); s2 likewise.
    stored.sellers = {
      s1: { PEN: { pending: 5400 - 2700 - 540, reservedForRefunds: 540 } },
      s2: { PEN: { pending: 3600 - 1800 - 360, reservedForRefunds: 360 } },
    };
    expect(compareTotals(state, stored, ['PEN', 'USD'])).toEqual({ differenceCount: 0, differences: [] });
  });

  it('name an account whose stored total differs, with expected and actual, before the trial balance', () => {
    const state = fold([paymentEntry(order, at)]);
    const stored = consistentTotals(state);
    stored.sellers = { s1: { PEN: { pending: 5400 } }, s2: { PEN: { pending: 3600 } } };
    (stored.accounts.platform_commission as Record<string, number>).PEN = -999;
    const { differences } = compareTotals(state, stored, ['PEN']);
    expect(differences).toEqual([
      {
        check: 'account_total',
        account: 'platform_commission',
        currency: 'PEN',
        expected: -1000,
        actual: -999,
      },
      { check: 'trial_balance', currency: 'PEN', expected: 0, actual: 1 },
    ]);
  });

  it('flag an order paid twice, refunds above its payment, and suspense taken out twice', () => {
    const late = latePaymentEntry(order, 10000, at);
    const state = fold([
      paymentEntry(order, at),
      // The same order booked as paid late too: two payments applied.
      late,
      // Refunded in full from suspense, then accepted anyway: the cash leaves suspense twice.
      // Two bookings hold 20000 of cash; three refunds of 10000 return more than that.
      refundApprovedEntry(booking('r1', 10000, true), at),
      lateAcceptedEntry(order, at),
      refundApprovedEntry(booking('r2', 10000), at),
      refundApprovedEntry(booking('r3', 10000), at),
    ]);
    const { differences } = compareTotals(state, consistentTotals(state), []);
    expect(differences).toEqual([
      { check: 'payment_applied_once', orderId: 'ord_1', currency: 'PEN', expected: 1, actual: 2 },
      { check: 'refunds_within_payment', orderId: 'ord_1', currency: 'PEN', expected: 20000, actual: 30000 },
      { check: 'suspense_not_overdrawn', orderId: 'ord_1', currency: 'PEN', expected: 0, actual: 10000 },
    ]);
  });

  it('flag an entry whose lines do not balance', () => {
    const broken = { ...paymentEntry(order, at), id: 'payment:broken' };
    broken.lines = [...broken.lines, { account: 'bank', amount: 5 }];
    const { differences } = compareTotals(fold([broken]), { accounts: {}, sellers: {}, inTransit: {} }, []);
    expect(differences[0]).toEqual({
      check: 'entry_balances',
      entryId: 'payment:broken',
      currency: 'PEN',
      expected: 0,
      actual: 5,
    });
  });
});
