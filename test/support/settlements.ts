import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox } from './api';

/** Waits until `GET /v1/anomalies?type=…` lists the anomaly `id` (the processor raises it asynchronously). */
export async function anomalyListed(type: string, id: string): Promise<void> {
  await eventually(async () => {
    const page = await api<{ items: { id: string }[] }>('GET', `/v1/anomalies?type=${type}&limit=100`);
    return page.body.items.some((anomaly) => anomaly.id === id) ? true : undefined;
  });
}

/**
 * A S/ 200.00 order of one seller, notified as paid S/ 150.00: an amount_mismatch anomaly holds
 * that cash in suspense, and the order still waits for payment.
 */
export async function underpaidOrder(
  sellerId: string,
): Promise<{ order: Order; operationNumber: string; anomalyId: string }> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({ amount: 20000, splits: [{ sellerId, amount: 20000, fee: 2000 }] }),
    })
  ).body;
  const paid = await sandbox<{ operationNumber: string }>('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {
    amount: 150,
  });
  const anomalyId = `amount_mismatch:${order.voucher.cip}:${paid.body.operationNumber}`;
  await anomalyListed('amount_mismatch', anomalyId);
  return { order, operationNumber: paid.body.operationNumber, anomalyId };
}
