import { describe, expect, it } from 'vitest';
import type { Refund } from '#model/refund';
import { RefundSchema } from '#refunds/api-schemas';
import { refundResponse } from '#refunds/present';
import { withoutPath } from '../support/without-path';

// refundResponse is written out instead of calling RefundSchema.parse (cold start, decision 57):
// it must answer byte for byte what the documented schema makes of the same refund, CCI masked.

const actor = { keyId: 'key-1', keyName: 'back office', principal: 'finance:maria' };
const FULL: Refund = {
  id: 'rf_01JD0000000000000000000000',
  orderId: 'ord_01JD0000000000000000000000',
  status: 'PAID_OUT',
  amount: 1_000,
  currency: 'PEN',
  reason: 'return',
  refundFee: true,
  allocations: [{ sellerId: 'seller-1', amount: 1_000, fee: 50 }],
  destination: {
    type: 'bank_account',
    cci: '00219300123456789012',
    holderName: 'Ana Núñez',
    documentType: 'DNI',
    documentNumber: '44556677',
    bank: 'BCP',
  },
  note: 'Returned in store',
  anomalyId: 'an_1',
  order: { id: 'ord_01JD0000000000000000000000', reference: 'mk-1001', status: 'PAID' },
  payment: {
    cip: '2551234',
    operationNumber: '123456',
    amount: 15_000,
    paidAt: '2026-11-01T11:00:00.000Z',
    source: 'webhook',
    notificationId: 'ntf-1',
  },
  requestedBy: actor,
  history: [
    { status: 'REQUESTED', at: '2026-11-02T10:00:00.000Z', by: actor },
    {
      status: 'PAID_OUT',
      at: '2026-11-03T10:00:00.000Z',
      by: actor,
      reason: 'approved',
      transferReference: 'tr-1',
      paidAt: '2026-11-03T09:00:00.000Z',
      proofNote: 'bank slip',
    },
  ],
  createdAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-03T10:00:00.000Z',
  version: 3,
};

/** What the schema makes of it: the previous presenter, kept here as the reference. */
const schemaView = (refund: Refund) =>
  JSON.stringify(
    RefundSchema.parse({ ...refund, destination: { ...refund.destination, cci: `****${'9012'}` } }),
  );

const without = (value: Refund, path: string) => withoutPath(value, path);

describe('refundResponse', () => {
  it('answers what RefundSchema makes of a refund with every optional field, CCI masked', () => {
    const view = refundResponse(FULL);
    const cci = view.destination.type === 'bank_account' ? view.destination.cci : '';
    expect(cci).toMatch(/9012$/);
    expect(cci).not.toContain('0021930012345678');
    expect(JSON.stringify({ ...view, destination: { ...view.destination, cci: '****9012' } })).toBe(
      schemaView(FULL),
    );
  });

  it.each(['destination.bank', 'note', 'anomalyId', 'payment.notificationId'])('and without %s', (path) => {
    const refund = without(FULL, path);
    const view = refundResponse(refund);
    expect(JSON.stringify({ ...view, destination: { ...view.destination, cci: '****9012' } })).toBe(
      schemaView(refund),
    );
  });

  it('answers what RefundSchema makes of a refund back to a wallet payment (decision 114)', () => {
    const refund: Refund = {
      ...FULL,
      destination: {
        type: 'wallet_payment',
        provider: 'culqi',
        optionId: 'po_01JD0000000000000000000001',
        providerRef: 'ord_test_abc',
        chargeId: 'chr_test_abc',
      },
    };
    expect(JSON.stringify(refundResponse(refund))).toBe(JSON.stringify(RefundSchema.parse(refund)));
  });

  it('leaves out what only the store keeps, in any key order', () => {
    const stored = { ...FULL, pk: 'REFUND#x', extra: 1, requestedBy: { ...actor, ip: '1.2.3.4' } } as Refund;
    const view = refundResponse(stored);
    expect(view).not.toHaveProperty('pk');
    expect(view.requestedBy).toEqual(actor);
    expect(Object.keys(view)).toEqual(Object.keys(refundResponse(FULL)));
  });
});
