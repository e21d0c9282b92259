// zod/mini: apply-payment parses notifications and loads no classic zod (decision 57); the
// reasons of unreadable ones are stored in English (platform/zod-english.ts).
import * as z from 'zod/mini';
import { decimalToMinor } from '#model/money';
import { now } from '#platform/clock';
import { schemasOnFirstUse } from '#platform/schema';
import { issuesText } from '#platform/zod-english';
import type { ParsedNotification } from '../provider';
import { parsePspDate } from './lima-time';

/**
 * Built with the first notification read, or at init where PagoEfectivo is the stage's provider
 * (`prepareNotificationParsing`): a stage on dLocal never builds them (decision 120).
 */
export const notificationSchemas = /* @__PURE__ */ schemasOnFirstUse(() => {
  /** `cip`, `operationNumber`, `transactionCode` arrive as numbers or strings: normalise to digit strings. */
  const lenientDigits = z.pipe(
    z.union([z.string().check(z.trim(), z.regex(/^\d+$/)), z.int().check(z.nonnegative())]),
    z.transform((value) => String(value).replace(/^0+(?=\d)/, '')),
  );
  return {
    Notification: z.object({
      eventType: z.string(),
      operationNumber: lenientDigits,
      data: z.object({
        cip: lenientDigits,
        currency: z.string(),
        amount: z.union([z.number(), z.string()]),
        /** Absent from some public samples: the receipt time stands in (protocol §4). */
        paymentDate: z.optional(z.nullable(z.string())),
        transactionCode: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
      }),
    }),
  };
});

/**
 * Event types that need nothing from us. `cip.expired` (seen in one merchant's integration):
 * our own expirer ends the order after a final check at the PSP, so the hint changes nothing,
 * and counting each one as an anomaly would keep the alarm ringing for routine expiries. The
 * raw body is kept for audit like every verified notification.
 */
const INFORMATIONAL_EVENT_TYPES: ReadonlySet<string> = new Set(['cip.expired']);

/**
 * Reads a notification whose signature has already been verified. Never throws: what cannot be
 * read becomes an anomaly to store and acknowledge, so one odd message cannot stall the pipeline.
 */
export function parseNotification(rawBody: Buffer, receivedAt: Date = now()): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'unparsable', reason: 'Body is not JSON.' };
  }
  const eventType = (json as { eventType?: unknown } | null)?.eventType;
  if (typeof eventType === 'string' && INFORMATIONAL_EVENT_TYPES.has(eventType))
    return { kind: 'informational', eventType };
  if (typeof eventType === 'string' && eventType !== 'cip.paid')
    return { kind: 'unknown_event_type', eventType };
  const parsed = notificationSchemas().Notification.safeParse(json);
  if (!parsed.success) return { kind: 'unparsable', reason: issuesText(parsed.error) };
  const { data, operationNumber } = parsed.data;
  try {
    // Without a paymentDate, when we received it: sync-pending's /v1/cips/search reports the PSP's own.
    const dated = parsePspDate(data.paymentDate);
    const paidAt = dated ?? receivedAt;
    return {
      kind: 'paid',
      payment: {
        cip: data.cip,
        operationNumber,
        amountMinor: decimalToMinor(data.amount),
        currency: data.currency.trim().toUpperCase(),
        paidAt,
        paidAtSource: dated ? 'provider' : 'received',
        transactionCode: data.transactionCode,
      },
    };
  } catch (error) {
    return { kind: 'unparsable', reason: error instanceof Error ? error.message : 'unreadable field' };
  }
}
