// zod/mini: apply-payment parses notifications and loads no classic zod (decision 57).
import * as z from 'zod/mini';
import '#platform/zod-english';
import { decimalToMinor } from '#orders/money';
import { now } from '#platform/clock';
import { schema } from '#platform/schema';
import type { ParsedNotification, ProviderRefundStatus } from '../provider';

/** The body of a dLocal notification is the payment object (or, for refunds, the refund object). */
const PaymentObject = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    amount: z.union([z.number(), z.string()]),
    currency: z.string(),
    status: z.string(),
    payment_method_id: z.optional(z.string()),
    order_id: z.optional(z.string()),
    created_date: z.optional(z.string()),
    approved_date: z.optional(z.nullable(z.string())),
    ticket: z.optional(z.object({ number: z.pipe(z.union([z.string(), z.number()]), z.transform(String)) })),
  }),
);
const RefundObject = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    payment_id: z.string().check(z.minLength(1)),
    status: z.enum(['PENDING', 'SUCCESS', 'REJECTED', 'CANCELLED']),
  }),
);

const REFUND_STATUS: Record<z.infer<typeof RefundObject>['status'], ProviderRefundStatus> = {
  PENDING: 'pending',
  SUCCESS: 'succeeded',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
};

/** Statuses that need nothing from us: our expirer ends unpaid orders after its own final check. */
const INFORMATIONAL = new Set(['PENDING', 'REJECTED', 'CANCELLED', 'EXPIRED', 'AUTHORIZED', 'VERIFIED']);

/**
 * Reads a verified dLocal notification into our terms. Never throws: what cannot be read becomes
 * an anomaly, as for PagoEfectivo. A paid ticket's CIP is its `ticket.number`; its operation
 * number is dLocal's payment id (one id per payment, so the dedupe key holds).
 */
export function parseDlocalNotification(rawBody: Buffer): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'unparsable', reason: 'The dLocal notification body is not JSON.' };
  }
  const refund = RefundObject.safeParse(json);
  if (refund.success && (json as { payment_method_id?: unknown }).payment_method_id === undefined) {
    return { kind: 'refund', providerRefundId: refund.data.id, status: REFUND_STATUS[refund.data.status] };
  }
  const payment = PaymentObject.safeParse(json);
  if (!payment.success)
    return { kind: 'unparsable', reason: 'The dLocal notification is not a payment or refund object.' };
  const { status } = payment.data;
  if (status !== 'PAID') {
    return INFORMATIONAL.has(status)
      ? { kind: 'informational', eventType: `dlocal.payment.${status.toLowerCase()}` }
      : { kind: 'unknown_event_type', eventType: `dlocal.payment.${status.toLowerCase()}` };
  }
  if (payment.data.ticket === undefined) {
    return {
      kind: 'unparsable',
      reason: `dLocal payment ${payment.data.id} is PAID but carries no ticket number.`,
    };
  }
  let amountMinor: number;
  try {
    amountMinor = decimalToMinor(payment.data.amount);
  } catch {
    return { kind: 'unparsable', reason: `dLocal payment ${payment.data.id} has an unreadable amount.` };
  }
  const paidAt = new Date(payment.data.approved_date ?? payment.data.created_date ?? '');
  return {
    kind: 'paid',
    payment: {
      cip: payment.data.ticket.number.replace(/^0+(?=\d)/, ''),
      operationNumber: payment.data.id,
      amountMinor,
      currency: payment.data.currency,
      paidAt: Number.isNaN(paidAt.getTime()) ? now() : paidAt,
      transactionCode: payment.data.order_id,
    },
  };
}
