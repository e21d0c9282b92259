import type { ObservedPayment } from '#payments/apply-payment';
import type { PaidNotification } from '#psp/provider';
import { getOrder } from '#store/orders-repository';

/**
 * The CIP a paid notification is for. PagoEfectivo's bodies (and dLocal's, when they carry a
 * `ticket`) name it. dLocal's documented notification is the bare payment object: its `order_id`
 * is our order id and its `id` the payment id stored on that order's voucher, so the voucher is
 * the order's when both agree. When they do not (an order we do not have, or a voucher minted
 * under another payment id), dLocal's payment id stands in for the CIP: the applier finds no order
 * by it and records an anomaly with the money in suspense (unknown CIP, or orphan voucher when
 * the order's creation never finished) — never silently dropped.
 */
export async function matchVoucher(payment: PaidNotification): Promise<ObservedPayment> {
  if (payment.cip !== undefined) return { ...payment, cip: payment.cip };
  const order = payment.transactionCode ? await getOrder(payment.transactionCode, true) : undefined;
  const matches =
    order !== undefined &&
    payment.providerPaymentId !== undefined &&
    order.voucher.providerPaymentId === payment.providerPaymentId;
  return {
    ...payment,
    cip: matches ? order.voucher.cip : (payment.providerPaymentId ?? payment.operationNumber),
  };
}
