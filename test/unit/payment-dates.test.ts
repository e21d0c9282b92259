import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Order } from '#model/order';
import { paymentDateDisagreement } from '#payments/confirm-payment-dates';

const DEADLINE = '2026-12-01T15:00:00.000Z';

/** An order paid (or paid late) with a receipt time, as confirm-payment-dates reads it. */
function order(history: [HistoryEntry['from'], HistoryEntry['to'], string][]): Order {
  return {
    id: 'ord_1',
    expiresAt: DEADLINE,
    voucher: { provider: 'pagoefectivo', cip: '2500001', url: 'u', expiresAt: DEADLINE },
    payment: {
      operationNumber: '1',
      paidAt: '2026-12-01T15:30:00.000Z',
      amount: 100,
      currency: 'PEN',
      source: 'webhook',
      paidAtSource: 'received',
    },
    history: history.map(([from, to, at]) => ({ from, to, at, source: 'webhook' })),
  } as Order;
}

describe("a provider's payment date against PAID / PAID_LATE", () => {
  const paid = order([
    [null, 'PENDING_PAYMENT', '2026-11-30T15:00:00.000Z'],
    ['PENDING_PAYMENT', 'PAID', '2026-12-01T15:30:00.000Z'],
  ]);
  const late = order([
    [null, 'PENDING_PAYMENT', '2026-11-30T15:00:00.000Z'],
    ['PENDING_PAYMENT', 'EXPIRED', '2026-12-01T15:10:00.000Z'],
    ['EXPIRED', 'PAID_LATE', '2026-12-01T15:30:00.000Z'],
  ]);

  it('agrees when PAID and the provider dates it by the deadline (received after it: the notification lagged)', () => {
    expect(paymentDateDisagreement(paid, new Date('2026-12-01T14:59:00Z'))).toBeUndefined();
    expect(paymentDateDisagreement(paid, new Date(DEADLINE))).toBeUndefined();
  });

  it('disagrees when PAID but the provider dates it after the deadline, naming both dates', () => {
    const detail = paymentDateDisagreement(paid, new Date('2026-12-01T15:00:01Z'));
    expect(detail).toContain('2026-12-01T15:00:01.000Z');
    expect(detail).toContain('2026-12-01T15:30:00.000Z');
    expect(detail).toContain(DEADLINE);
  });

  it('disagrees when PAID_LATE but the provider dates it before the deadline; agrees when after', () => {
    expect(paymentDateDisagreement(late, new Date('2026-12-01T14:00:00Z'))).toContain('PAID_LATE');
    expect(paymentDateDisagreement(late, new Date('2026-12-01T15:05:00Z'))).toBeUndefined();
  });

  it('counts a cancelled order as given up when it was cancelled, before its deadline', () => {
    const cancelled = order([
      [null, 'PENDING_PAYMENT', '2026-11-30T15:00:00.000Z'],
      ['PENDING_PAYMENT', 'CANCELLED', '2026-12-01T10:00:00.000Z'],
      ['CANCELLED', 'PAID_LATE', '2026-12-01T11:00:00.000Z'],
    ]);
    expect(paymentDateDisagreement(cancelled, new Date('2026-12-01T09:00:00Z'))).toContain('before');
    expect(paymentDateDisagreement(cancelled, new Date('2026-12-01T10:30:00Z'))).toBeUndefined();
  });

  it('reads a late payment later accepted (PAID_LATE → PAID) as late', () => {
    const accepted = order([
      [null, 'PENDING_PAYMENT', '2026-11-30T15:00:00.000Z'],
      ['PENDING_PAYMENT', 'EXPIRED', '2026-12-01T15:10:00.000Z'],
      ['EXPIRED', 'PAID_LATE', '2026-12-01T15:30:00.000Z'],
      ['PAID_LATE', 'PAID', '2026-12-02T09:00:00.000Z'],
    ]);
    expect(paymentDateDisagreement(accepted, new Date('2026-12-01T15:20:00Z'))).toBeUndefined();
  });
});
