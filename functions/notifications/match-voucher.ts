import type { ObservedPayment } from '#payments/apply-payment';
import type { PaidNotification } from '#psp/provider';
import { findOrderIdByPaymentOption, getOrder } from '#store/orders-repository';

/** Our payment option ids (`po_…`, model/ids.ts): a wallet payment's `order_id` at dLocal. */
const OPTION_ID = /^po_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The CIP a paid notification is for. PagoEfectivo's bodies (and dLocal's, when they carry a
 * `ticket`) name it. dLocal's documented notification is the bare payment object: its `order_id`
 * is our order id and its `id` the payment id stored on that order's voucher, so the voucher is
 * the order's when both agree. A Yape payment through dLocal (method YP) carries our wallet
 * option's id as its `order_id` instead: it is that option's payment when the option stored the
 * same dLocal payment id. When they do not agree (an order we do not have, or a voucher minted
 * under another payment id), dLocal's payment id stands in for the CIP: the applier finds no order
 * by it and records an anomaly with the money in suspense (unknown CIP, or orphan voucher when
 * the order's creation never finished) — never silently dropped.
 */
export async function matchVoucher(payment: PaidNotification): Promise<ObservedPayment> {
  if (payment.cip !== undefined) return { ...payment, cip: payment.cip };
  const unmatched = { ...payment, cip: payment.providerPaymentId ?? payment.operationNumber };
  if (payment.transactionCode !== undefined && OPTION_ID.test(payment.transactionCode)) {
    const optionId = payment.transactionCode;
    const orderId = await findOrderIdByPaymentOption(optionId);
    const order = orderId === undefined ? undefined : await getOrder(orderId, true);
    const option = order?.paymentOptions?.find((candidate) => candidate.id === optionId);
    const matches =
      option !== undefined &&
      payment.providerPaymentId !== undefined &&
      option.providerRef === payment.providerPaymentId;
    return matches ? { ...payment, cip: optionId, optionId } : unmatched;
  }
  const order = payment.transactionCode ? await getOrder(payment.transactionCode, true) : undefined;
  const matches =
    order !== undefined &&
    payment.providerPaymentId !== undefined &&
    order.voucher.providerPaymentId === payment.providerPaymentId;
  return matches ? { ...payment, cip: order.voucher.cip } : unmatched;
}
