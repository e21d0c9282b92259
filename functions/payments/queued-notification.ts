import { z } from 'zod';

/** What the ingest function puts on the queue: the verified raw body, byte for byte, and its audit id. */
export const QueuedNotificationSchema = z.object({
  webhookId: z.string().min(1),
  receivedAt: z.iso.datetime(),
  rawBodyBase64: z.string(),
});
export type QueuedNotification = z.infer<typeof QueuedNotificationSchema>;
