import { describe, expect, it } from 'vitest';
import type { Anomaly } from '#model/anomaly';
import { type RefundBooking, refundApprovedEntry, refundPaidOutEntry } from '#model/journal';
import type { Order } from '#model/order';
import { walletRefundDestination } from '#payments/double-payments';

const WALLET = 'po_01JD000000000000000000000W';
const order = (paidBy: string | undefined) =>
  ({
    id: 'ord_01JD0000000000000000000000',
    voucher: { cip: '2551234', provider: 'pagoefectivo' },
    paymentOptions: [{ id: WALLET, method: 'wallet', provider: 'culqi', providerRef: 'ord_test_1' }],
    ...(paidBy === undefined
      ? { payment: { operationNumber: '778899', amount: 12_000 } }
      : { payment: { optionId: paidBy, operationNumber: 'chr_test_1', amount: 12_000 } }),
  }) as unknown as Order;
const anomaly = (fields: Partial<Anomaly>): Anomaly => ({
  id: 'double_payment:x',
  type: 'double_payment',
  detectedAt: '2026-12-03T10:00:00.000Z',
  detail: '',
  source: 'webhook',
  amount: 12_000,
  ...fields,
});

describe('where a double payment goes back (decision 114)', () => {
  it('the CIP paid after the wallet: the order’s wallet payment, by its charge', () => {
    expect(
      walletRefundDestination(anomaly({ cip: '2551234', operationNumber: '5566' }), order(WALLET)),
    ).toEqual({
      type: 'wallet_payment',
      provider: 'culqi',
      optionId: WALLET,
      providerRef: 'ord_test_1',
      chargeId: 'chr_test_1',
    });
  });

  it('the wallet paid after the CIP: that wallet payment itself', () => {
    expect(
      walletRefundDestination(
        anomaly({ cip: WALLET, optionId: WALLET, operationNumber: 'chr_test_2' }),
        order(undefined),
      ),
    ).toMatchObject({ optionId: WALLET, chargeId: 'chr_test_2' });
  });

  it('no wallet payment among the two: no proposal (a person refunds by transfer)', () => {
    const cashOnly = { ...order(undefined), paymentOptions: [] } as Order;
    expect(walletRefundDestination(anomaly({ cip: '2551234' }), cashOnly)).toBeUndefined();
  });
});

describe('a refund paid back by a wallet provider', () => {
  it('leaves suspense on approval and the provider’s receivable when paid, never the bank or a seller', () => {
    const booking: RefundBooking = {
      refundId: 'rf_1',
      orderId: 'ord_1',
      amount: 12_000,
      currency: 'PEN',
      fromSuspense: true,
      sellerBucket: 'pending',
      allocations: [],
      paidFrom: 'psp_receivable',
    };
    const approved = refundApprovedEntry(booking, '2026-12-03T10:00:00.000Z');
    const paid = refundPaidOutEntry(booking, '2026-12-03T10:00:00.000Z');
    expect(approved.lines).toEqual([
      { account: 'suspense', amount: 12_000 },
      { account: 'refunds_payable', amount: -12_000 },
    ]);
    expect(paid.lines).toEqual([
      { account: 'refunds_payable', amount: 12_000 },
      { account: 'psp_receivable', amount: -12_000 },
    ]);
    expect(paid.sellerMoves).toEqual({});
  });
});
