import { maskCci } from '#model/cci';
import type { Actor, Refund } from '#model/refund';
import { ifSet } from '#platform/if-set';

const actor = ({ keyId, keyName, principal }: Actor): Actor => ({
  keyId,
  keyName,
  ...ifSet('principal', principal),
});

/**
 * A refund as the API shows it: the documented fields in the schema's key order, and the CCI
 * masked but for its last 4 digits. Written out rather than `RefundSchema.parse(…)`, so the
 * functions that present refunds (apply-payment among them) do not build the API schemas at
 * init (decision 57); test/unit/refund-presenter.test.ts checks it answers byte for byte what
 * the schema makes, and the Refund type is the schema's (test/unit/domain-types.test.ts).
 */
export function refundResponse(refund: Refund): Refund {
  const { destination, payment } = refund;
  return {
    id: refund.id,
    orderId: refund.orderId,
    status: refund.status,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    refundFee: refund.refundFee,
    allocations: refund.allocations.map(({ sellerId, amount, fee }) => ({ sellerId, amount, fee })),
    destination:
      destination.type === 'bank_account'
        ? {
            type: destination.type,
            cci: maskCci(destination.cci),
            holderName: destination.holderName,
            documentType: destination.documentType,
            documentNumber: destination.documentNumber,
            ...ifSet('bank', destination.bank),
            ...ifSet('accountType', destination.accountType),
          }
        : {
            type: destination.type,
            provider: destination.provider,
            optionId: destination.optionId,
            providerRef: destination.providerRef,
            chargeId: destination.chargeId,
          },
    ...ifSet('note', refund.note),
    ...ifSet('anomalyId', refund.anomalyId),
    order: { id: refund.order.id, reference: refund.order.reference, status: refund.order.status },
    payment: {
      cip: payment.cip,
      operationNumber: payment.operationNumber,
      amount: payment.amount,
      paidAt: payment.paidAt,
      source: payment.source,
      ...ifSet('notificationId', payment.notificationId),
    },
    requestedBy: actor(refund.requestedBy),
    history: refund.history.map((entry) => ({
      status: entry.status,
      at: entry.at,
      by: actor(entry.by),
      ...ifSet('reason', entry.reason),
      ...ifSet('transferReference', entry.transferReference),
      ...ifSet('paidAt', entry.paidAt),
      ...ifSet('proofNote', entry.proofNote),
    })),
    createdAt: refund.createdAt,
    updatedAt: refund.updatedAt,
    version: refund.version,
  };
}

/** What a seller's key sees of a refund: its own allocation (amount and fee share), not the others'. */
export function refundForSeller(view: Refund, sellerId: string | undefined): Refund {
  return sellerId === undefined
    ? view
    : { ...view, allocations: view.allocations.filter((allocation) => allocation.sellerId === sellerId) };
}
