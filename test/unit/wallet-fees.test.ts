import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { type JournalEntry, paymentEntry, refundApprovedEntry } from '#model/journal';
import { compareTotals, emptyIntegrityState, foldEntry } from '#model/ledger-integrity';
import type { Order } from '#model/order';
import { parseWalletFees, walletFee } from '#model/wallet-fees';

// Decision 115: a wallet payment is booked with its provider's fee rule.
const order = {
  id: 'ord_w1',
  currency: 'PEN',
  amount: 15000,
  splits: [
    { sellerId: 's1', amount: 10000, fee: 500 },
    { sellerId: 's2', amount: 5000, fee: 250 },
  ],
} as unknown as Order;
const at = '2026-12-03T10:00:00.000Z';

describe("wallet providers' fee rules", () => {
  it('default to a placeholder per provider, and take a stage setting per provider', () => {
    const defaults = parseWalletFees(undefined);
    expect(defaults.culqi).toEqual({ ratePercent: 2, fixedMinor: { PEN: 50 }, taxPercent: 18 });
    const stage = parseWalletFees(
      JSON.stringify({ culqi: { ratePercent: 3.5, fixedMinor: { PEN: 0 }, taxPercent: 18 } }),
    );
    expect(stage.culqi.ratePercent).toBe(3.5);
    expect(stage.dlocal).toEqual(defaults.dlocal);
  });

  it('refuse a setting that is no JSON or no rule, naming it', () => {
    expect(() => parseWalletFees('{')).toThrow(/WALLET_FEES is not JSON/);
    expect(() => parseWalletFees(JSON.stringify({ culqi: { ratePercent: 150 } }))).toThrow(
      /WALLET_FEES: .*culqi/,
    );
  });

  it('compute commission (rate of the gross + fixed) and IGV on it, in integer minor units', () => {
    // 3.5 % of 150.00 = 5.25, + 0.30 = 5.55; IGV 18 % of 5.55 = 0.999 → 1.00.
    expect(walletFee({ ratePercent: 3.5, fixedMinor: { PEN: 30 }, taxPercent: 18 }, 15000, 'PEN')).toEqual({
      commission: 555,
      tax: 100,
    });
    // No fixed part for a currency the rule does not name.
    expect(walletFee({ ratePercent: 2, fixedMinor: { PEN: 50 }, taxPercent: 18 }, 10000, 'USD')).toEqual({
      commission: 200,
      tax: 36,
    });
  });
});

describe('a wallet payment in the journal', () => {
  const fee = walletFee({ ratePercent: 3.5, fixedMinor: { PEN: 30 }, taxPercent: 18 }, 15000, 'PEN');
  const entry = paymentEntry(order, at, fee);

  it('books the provider fee and its tax as expenses, the receivable at the net, the sellers and platform as before', () => {
    expect(entry.lines).toEqual([
      { account: 'psp_receivable', amount: 15000 - 555 - 100 },
      { account: 'psp_fee_expense', amount: 555 },
      { account: 'psp_fee_tax', amount: 100 },
      { account: 'seller_payable:s1', amount: -9500 },
      { account: 'seller_payable:s2', amount: -4750 },
      { account: 'platform_commission', amount: -750 },
    ]);
    expect(entry.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(0);
  });

  it('is the cash payment entry unchanged when no fee is given (the CIP: fees come with the settlement)', () => {
    expect(paymentEntry(order, at).lines).toEqual([
      { account: 'psp_receivable', amount: 15000 },
      { account: 'seller_payable:s1', amount: -9500 },
      { account: 'seller_payable:s2', amount: -4750 },
      { account: 'platform_commission', amount: -750 },
    ]);
  });

  it('counts the gross as the cash booked: refunding all of it breaks no integrity check', () => {
    const state = emptyIntegrityState();
    const refund = {
      refundId: 'rf_w1',
      orderId: order.id,
      amount: 15000,
      currency: 'PEN',
      fromSuspense: false,
      sellerBucket: 'pending' as const,
      allocations: [
        { sellerId: 's1', amount: 10000, fee: 500 },
        { sellerId: 's2', amount: 5000, fee: 250 },
      ],
    };
    const entries: JournalEntry[] = [entry, refundApprovedEntry(refund, at)];
    for (const booked of entries) foldEntry(state, booked, journalEntryEntity.subjectOf);
    const { differences } = compareTotals(state, { accounts: {}, sellers: {}, inTransit: {} }, []);
    expect(differences.filter((difference) => difference.check === 'refunds_within_payment')).toEqual([]);
  });
});
