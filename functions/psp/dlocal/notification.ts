// zod/mini: apply-payment parses notifications and loads no classic zod (decision 57).
import * as z from 'zod/mini';
import { decimalToMinor } from '#model/money';
import { now } from '#platform/clock';
import { schemasOnFirstUse } from '#platform/schema';
import { issuesText } from '#platform/zod-english';
import type { ParsedNotification, ProviderRefundStatus } from '../provider';

/**
 * The body of a dLocal notification is the payment object (or, for refunds, the refund object).
 * Built with the first notification read, or at init where dLocal is the stage's provider
 * (`prepareNotificationParsing`): a stage on PagoEfectivo never builds them (decision 120).
 */
export const notificationSchemas = /* @__PURE__ */ schemasOnFirstUse(() => ({
  PaymentObject: z.object({
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
  RefundObject: z.object({
    id: z.string().check(z.minLength(1)),
    payment_id: z.string().check(z.minLength(1)),
    status: z.enum(['PENDING', 'SUCCESS', 'REJECTED', 'CANCELLED']),
  }),
}));

type RefundObject = z.infer<ReturnType<typeof notificationSchemas>['RefundObject']>;

const REFUND_STATUS: Record<RefundObject['status'], ProviderRefundStatus> = {
  PENDING: 'pending',
  SUCCESS: 'succeeded',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
};

/** Statuses that need nothing from us: our expirer ends unpaid orders after its own final check. */
const INFORMATIONAL = new Set(['PENDING', 'REJECTED', 'CANCELLED', 'EXPIRED', 'AUTHORIZED', 'VERIFIED']);

/**
 * Reads a verified dLocal notification into our terms. Never throws: what cannot be read becomes
 * an anomaly, as for PagoEfectivo. dLocal documents the body as the payment object (`id`,
 * `order_id`, `status`, amounts; docs.dlocal.com "Receive notifications") and its examples carry
 * no `ticket`: the voucher is the one whose stored payment id is `id` and whose order is
 * `order_id` (notifications/match-voucher.ts); `ticket.number`, when present, names its CIP
 * directly. The operation number is dLocal's payment id (one id per payment, so the dedupe key
 * holds). The payment date is `approved_date` when sent, else when we received the notification
 * (`created_date` is when the ticket was made, not when the cash was paid).
 */
export function parseDlocalNotification(rawBody: Buffer, receivedAt: Date = now()): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'unparsable', reason: 'The dLocal notification body is not JSON.' };
  }
  const { PaymentObject, RefundObject } = notificationSchemas();
  const refund = RefundObject.safeParse(json);
  if (refund.success && (json as { payment_method_id?: unknown }).payment_method_id === undefined) {
    return { kind: 'refund', providerRefundId: refund.data.id, status: REFUND_STATUS[refund.data.status] };
  }
  const payment = PaymentObject.safeParse(json);
  if (!payment.success) {
    return {
      kind: 'unparsable',
      reason: `The dLocal notification is not a payment or refund object: ${issuesText(payment.error)}`,
    };
  }
  const { status } = payment.data;
  if (status !== 'PAID') {
    return INFORMATIONAL.has(status)
      ? { kind: 'informational', eventType: `dlocal.payment.${status.toLowerCase()}` }
      : { kind: 'unknown_event_type', eventType: `dlocal.payment.${status.toLowerCase()}` };
  }
  let amountMinor: number;
  try {
    amountMinor = decimalToMinor(payment.data.amount);
  } catch {
    return { kind: 'unparsable', reason: `dLocal payment ${payment.data.id} has an unreadable amount.` };
  }
  const approved = payment.data.approved_date ? new Date(payment.data.approved_date) : undefined;
  const dated = approved !== undefined && !Number.isNaN(approved.getTime());
  return {
    kind: 'paid',
    payment: {
      cip: payment.data.ticket?.number.replace(/^0+(?=\d)/, ''),
      providerPaymentId: payment.data.id,
      operationNumber: payment.data.id,
      amountMinor,
      currency: payment.data.currency,
      paidAt: dated ? approved : receivedAt,
      // Without approved_date, sync-pending confirms it later from GET /payments/{id}.
      paidAtSource: dated ? 'provider' : 'received',
      transactionCode: payment.data.order_id,
    },
  };
}
