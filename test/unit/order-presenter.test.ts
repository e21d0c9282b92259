import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { paymentOptions } from '#model/payment-options';
import { OrderSchema } from '#orders/api-schemas';
import { orderResponse } from '#orders/present';
import { withoutPath } from '../support/without-path';

// orderResponse is written out instead of calling OrderSchema.parse (cold start, decision 57): it
// must still answer byte for byte what the documented schema makes of the same stored order.

/** A stored order with every optional field set, plus what the store keeps beside the API's fields. */
const FULL = {
  id: 'ord_01JD0000000000000000000000',
  reference: 'mk-1001',
  status: 'PAID',
  currency: 'PEN',
  amount: 15_000,
  concept: 'Zapatillas',
  buyer: {
    email: 'ana@example.pe',
    firstName: 'Ana',
    lastName: 'Núñez',
    documentType: 'DNI',
    documentNumber: '44556677',
    phone: '+51987654321',
  },
  splits: [
    { sellerId: 'seller-1', amount: 10_000, fee: 500 },
    { sellerId: 'seller-2', amount: 5_000, fee: 250 },
  ],
  metadata: { cart: 'c-9', channel: 'app' },
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T12:00:00.000Z',
  expiresAt: '2026-11-02T10:00:00.000Z',
  voucher: {
    provider: 'pagoefectivo',
    cip: '2551234',
    url: 'https://pre1a.payment.pagoefectivo.pe/2551234.html',
    expiresAt: '2026-11-02T10:00:00.000Z',
    displayUrl: 'https://api.example.pe/v/tok',
    pageToken: 'tok',
    providerPaymentId: 'D-4-1',
  },
  paymentOptions: [
    {
      id: 'po_01JD0000000000000000000001',
      method: 'wallet',
      provider: 'culqi',
      amount: 15_000,
      currency: 'PEN',
      expiresAt: '2026-11-02T10:00:00.000Z',
      createdAt: '2026-11-01T10:00:00.000Z',
      providerRef: 'ord_test_1',
      wallet: {
        wallets: ['yape', 'plin'],
        qrPayload: 'culqi://pay/ord_test_1',
        redirectUrl: 'https://pay.example/1',
      },
    },
    {
      id: 'po_01JD0000000000000000000002',
      method: 'wallet',
      provider: 'culqi',
      amount: 15_000,
      currency: 'PEN',
      expiresAt: '2026-11-02T10:00:00.000Z',
      createdAt: '2026-11-01T10:00:00.000Z',
      unavailableReason: 'Culqi could not be reached.',
    },
  ],
  payment: {
    optionId: 'po_01JD0000000000000000000001',
    operationNumber: '123456',
    paidAt: '2026-11-01T11:00:00.000Z',
    amount: 15_000,
    currency: 'PEN',
    source: 'webhook',
    notificationId: 'ntf-1',
    paidAtSource: 'provider',
    receivedAt: '2026-11-01T11:10:00.000Z',
    contested: {
      operationNumber: '123456',
      amount: 5_000,
      currency: 'PEN',
      anomalyId: 'amount_mismatch:2500001:123456',
      at: '2026-11-01T11:20:00.000Z',
    },
  },
  refundReserved: 1_000,
  refundedAmount: 500,
  refunds: [{ id: 'rfd_1', amount: 1_000 }],
  risk: {
    decision: 'approved',
    rules: ['amount_over_limit'],
    reviewedAt: '2026-11-01T10:30:00.000Z',
    reviewedBy: 'key-ops',
    note: 'Known buyer',
  },
  settlement: {
    id: 'stl_1',
    line: 3,
    settledOn: '2026-11-03',
    commission: 300,
    tax: 54,
    net: 14_646,
  },
  history: [
    { from: null, to: 'PENDING_PAYMENT', at: '2026-11-01T10:00:00.000Z', source: 'api' },
    { from: 'PENDING_PAYMENT', to: 'PAID', at: '2026-11-01T11:00:00.000Z', source: 'webhook' },
  ],
  version: 2,
} satisfies Order;

const OPTIONAL_PATHS = [
  'buyer.phone',
  'voucher.displayUrl',
  'voucher.pageToken',
  'voucher.providerPaymentId',
  'paymentOptions',
  'payment',
  'payment.optionId',
  'payment.notificationId',
  'refundReserved',
  'refundedAmount',
  'refunds',
  'risk',
  'risk.reviewedAt',
  'risk.reviewedBy',
  'risk.note',
  'settlement',
];

const without = (value: Order, path: string) => withoutPath(value, path);

/** The same value with every object's keys in reverse order (as a DynamoDB read may return them). */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reversedKeys(inner)]),
  ) as T;
}

// The options are derived from the stored order (model/payment-options.ts); the rest is stored as shown.
const schemaView = (order: Order) =>
  JSON.stringify(OrderSchema.parse({ ...order, paymentOptions: paymentOptions(order) }));

describe('orderResponse', () => {
  it('answers exactly what OrderSchema makes of a full stored order', () => {
    expect(JSON.stringify(orderResponse(FULL))).toBe(schemaView(FULL));
  });

  it.each(OPTIONAL_PATHS)('and of one without %s', (path) => {
    const order = without(FULL, path);
    expect(JSON.stringify(orderResponse(order))).toBe(schemaView(order));
  });

  it('and of one with only the required fields, in any key order', () => {
    const minimal = OPTIONAL_PATHS.reduce(without, FULL);
    expect(JSON.stringify(orderResponse(minimal))).toBe(schemaView(minimal));
    // Fields come out in the schema's order whatever the stored order; a map (metadata) keeps its own.
    const shuffled = reversedKeys(FULL);
    expect(JSON.stringify(orderResponse(shuffled))).toBe(schemaView(shuffled));
    expect(Object.keys(orderResponse(shuffled))).toEqual(Object.keys(orderResponse(FULL)));
  });

  it('keeps what only the store needs inside, and never writes an absent field as undefined', () => {
    const view = orderResponse(without(FULL, 'payment'));
    expect(view.voucher).not.toHaveProperty('pageToken');
    expect(view.voucher).not.toHaveProperty('providerPaymentId');
    expect(view).not.toHaveProperty('payment');
  });
});
