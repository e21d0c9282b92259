import type * as z from 'zod';
import type { Order } from '#model/order';
import { paymentOptions } from '#model/payment-options';
import { ifSet } from '#platform/if-set';
import type { OrderSchema } from './api-schemas';

/** The order as the API documents it (`Order` in /openapi.json). */
export type OrderView = z.output<typeof OrderSchema>;

/**
 * The order as the API shows it: the documented fields only (what the store keeps beside them,
 * such as the voucher page's token, stays inside), always in the schema's key order, so a
 * replayed response is byte-identical to the first one whatever DynamoDB did to key order.
 *
 * Written out rather than `OrderSchema.parse(order)`: some twenty functions present orders, and
 * building the Order schema cost each of them ~4 ms of cold start (docs/performance.md). The
 * return type is the schema's output type, so a field the schema gains is a compile error here,
 * and test/unit/order-presenter.test.ts checks the output is byte-for-byte what the schema makes.
 */
export function orderResponse(order: Order): OrderView {
  const { buyer, voucher, payment, risk, settlement } = order;
  return {
    id: order.id,
    reference: order.reference,
    status: order.status,
    currency: order.currency,
    amount: order.amount,
    concept: order.concept,
    buyer: {
      email: buyer.email,
      firstName: buyer.firstName,
      lastName: buyer.lastName,
      documentType: buyer.documentType,
      documentNumber: buyer.documentNumber,
      ...ifSet('phone', buyer.phone),
    },
    splits: order.splits.map(({ sellerId, amount, fee }) => ({ sellerId, amount, fee })),
    metadata: { ...order.metadata },
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    expiresAt: order.expiresAt,
    voucher: {
      provider: voucher.provider,
      cip: voucher.cip,
      url: voucher.url,
      expiresAt: voucher.expiresAt,
      ...ifSet('displayUrl', voucher.displayUrl),
    },
    paymentOptions: paymentOptions(order),
    ...ifSet(
      'payment',
      payment && {
        ...ifSet('optionId', payment.optionId),
        operationNumber: payment.operationNumber,
        paidAt: payment.paidAt,
        amount: payment.amount,
        currency: payment.currency,
        source: payment.source,
        ...ifSet('notificationId', payment.notificationId),
        ...ifSet('paidAtSource', payment.paidAtSource),
        ...ifSet('receivedAt', payment.receivedAt),
        ...ifSet(
          'contested',
          payment.contested && {
            operationNumber: payment.contested.operationNumber,
            amount: payment.contested.amount,
            currency: payment.contested.currency,
            anomalyId: payment.contested.anomalyId,
            at: payment.contested.at,
          },
        ),
      },
    ),
    ...ifSet('refundReserved', order.refundReserved),
    ...ifSet('refundedAmount', order.refundedAmount),
    ...ifSet(
      'refunds',
      order.refunds?.map(({ id, amount }) => ({ id, amount })),
    ),
    ...ifSet(
      'risk',
      risk && {
        decision: risk.decision,
        rules: [...risk.rules],
        ...ifSet('reviewedAt', risk.reviewedAt),
        ...ifSet('reviewedBy', risk.reviewedBy),
        ...ifSet('note', risk.note),
      },
    ),
    ...ifSet(
      'settlement',
      settlement && {
        id: settlement.id,
        line: settlement.line,
        settledOn: settlement.settledOn,
        commission: settlement.commission,
        tax: settlement.tax,
        net: settlement.net,
      },
    ),
    history: order.history.map(({ from, to, at, source }) => ({ from, to, at, source })),
    version: order.version,
  };
}

/**
 * What a seller's key sees of an order: its own split (its amount and fee), not the other
 * sellers' — an order split between sellers is one order, but each seller's share and fee is
 * that seller's business with the marketplace.
 */
export function orderForSeller(view: OrderView, sellerId: string | undefined): OrderView {
  return sellerId === undefined
    ? view
    : { ...view, splits: view.splits.filter((split) => split.sellerId === sellerId) };
}

/** An order event's payload: the order as the API shows it, handed to the store to write. */
export function orderEventData(order: Order): Record<string, unknown> {
  return orderResponse(order);
}
