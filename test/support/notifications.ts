import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { api } from './api';
import { TEST_CREDENTIALS } from './global-stack';

/** A `cip.paid` body as PagoEfectivo sends it (numbers where the PSP sends numbers). */
export function paidBody(fields: {
  cip: string;
  operationNumber: string | number;
  amount: number;
  currency?: string;
  /** When the buyer paid: now by default (a date before the order was created is an anomaly). */
  paidAt?: Date;
}) {
  return JSON.stringify({
    eventType: 'cip.paid',
    operationNumber: Number(fields.operationNumber),
    data: {
      cip: Number(fields.cip),
      currency: fields.currency ?? 'PEN',
      amount: fields.amount,
      paymentDate: limaTime(fields.paidAt ?? new Date()),
      transactionCode: 'ord_x',
    },
  });
}

/** `2026-11-26T10:15:00-05:00`: a date as PagoEfectivo writes it, in Lima time. */
export function limaTime(at: Date): string {
  return `${new Date(at.getTime() - 5 * 3600_000).toISOString().slice(0, 19)}-05:00`;
}

/** POSTs a notification to our webhook, signed (by default) with the sandbox merchant's secret key. */
export function postNotification(body: string | Buffer, signature?: string) {
  const headers: Record<string, string> = {};
  const sig = signature ?? notificationSignature(TEST_CREDENTIALS.secretKey, body);
  if (sig !== '') headers['pe-signature'] = sig;
  return api<{ received?: boolean; id?: string; code?: string }>('POST', '/webhooks/pagoefectivo', {
    rawBody: body,
    headers,
    auth: false,
  });
}
