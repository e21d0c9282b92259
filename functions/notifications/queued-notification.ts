import * as z from 'zod';
import { PROVIDERS } from '#psp/provider';

/** What the ingest function puts on the queue: the verified raw body, byte for byte, and its audit id. */
export const QueuedNotificationSchema = /* @__PURE__ */ z.object({
  webhookId: z.string().min(1),
  receivedAt: z.iso.datetime(),
  rawBodyBase64: z.string(),
  /** Which route it came by (messages queued before dLocal existed are PagoEfectivo's). */
  provider: z.enum(PROVIDERS).default('pagoefectivo'),
});
export type QueuedNotification = z.infer<typeof QueuedNotificationSchema>;
export type QueuedNotificationInput = z.input<typeof QueuedNotificationSchema>;
