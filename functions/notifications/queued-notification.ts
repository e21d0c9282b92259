// zod/mini: parsed by the ingest and apply-payment functions, which load no classic zod (decision 57).
import * as z from 'zod/mini';
import { schema } from '#platform/schema';
import { PAYMENT_PROVIDERS } from '#psp/provider';

/** What the ingest function puts on the queue: the verified raw body, byte for byte, and its audit id. */
export const QueuedNotificationSchema = /* @__PURE__ */ schema(() =>
  z.object({
    webhookId: z.string().check(z.minLength(1)),
    receivedAt: z.iso.datetime(),
    rawBodyBase64: z.string(),
    /** Which route it came by (messages queued before dLocal existed are PagoEfectivo's). */
    provider: z._default(z.enum(PAYMENT_PROVIDERS), 'pagoefectivo'),
  }),
);
export type QueuedNotification = z.infer<typeof QueuedNotificationSchema>;
export type QueuedNotificationInput = z.input<typeof QueuedNotificationSchema>;
