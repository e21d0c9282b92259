import { expect } from 'vitest';
import type { Order } from '#model/order';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import { api, eventually, orderRequest, sandbox, stack } from './api';

export interface Settlement {
  id: string;
  status: string;
  lines: number;
  counts: Record<string, number>;
  totals: Record<string, { gross: number; commission: number; tax: number; net: number }>;
  expected: Record<string, { gross: number; commission: number; tax: number; net: number }>;
  difference: Record<string, { gross: number; commission: number; tax: number; net: number }>;
}

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

/** A settlement report from the sandbox (bytes and content type, as PagoEfectivo would send the file). */
export async function report(body: Record<string, unknown>): Promise<{ bytes: Buffer; type: string }> {
  const response = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settledOn: '2026-12-03', ...body }),
  });
  expect(response.status).toBe(200);
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type') ?? '',
  };
}

export const importReport = (bytes: Buffer | string, type: string = REPORT_MEDIA_TYPES.csv, query = '') =>
  api<Settlement>('POST', `/v1/settlements${query}`, { rawBody: bytes, headers: { 'content-type': type } });

/** A S/ 200.00 (or US$) order split between two sellers, paid (and, with `notify`, applied). */
export async function paidSplitOrder(
  sellerId: string,
  notify = true,
  currency: 'PEN' | 'USD' = 'PEN',
): Promise<Order> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({
        currency,
        amount: 20000,
        splits: [
          { sellerId, amount: 12000, fee: 1200 },
          { sellerId: `${sellerId}-b`, amount: 8000, fee: 800 },
        ],
      }),
    })
  ).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify });
  if (notify) {
    await eventually(async () => {
      const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
      return current.status === 'PAID' ? current : undefined;
    });
  }
  return (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
}
