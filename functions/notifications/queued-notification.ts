// zod/mini: parsed by the ingest and apply-payment functions, which load no classic zod (decision 57).
import * as z from 'zod/mini';
import { PAYMENT_PROVIDERS, type PaymentProviderName } from '#contract/service';
import { schema } from '#platform/schema';

const id = () => z.optional(z.string().check(z.minLength(1)));

/**
 * What the ingest function puts on the queue: the verified raw body, byte for byte, and its
 * notification id (the SHA-256 of the body, its audit key). Messages queued before decision 117
 * call that id `webhookId`: one still in flight while the rename deploys, or redriven from the DLQ
 * days later, is read the same way, as `notificationId`.
 */
export const QueuedNotificationSchema = /* @__PURE__ */ schema(() =>
  z.pipe(
    z.object({
      notificationId: id(),
      /** @deprecated the name of `notificationId` in messages queued before decision 117. */
      webhookId: id(),
      receivedAt: z.iso.datetime(),
      rawBodyBase64: z.string(),
      /** Which route it came by (messages queued before dLocal existed are PagoEfectivo's). */
      provider: z._default(z.enum(PAYMENT_PROVIDERS), 'pagoefectivo'),
    }),
    z.transform(({ notificationId, webhookId, ...message }, context) => {
      const found = notificationId ?? webhookId;
      if (found === undefined) {
        context.issues.push({
          code: 'custom',
          message: 'Required',
          input: undefined,
          path: ['notificationId'],
        });
        return z.NEVER;
      }
      return { notificationId: found, ...message };
    }),
  ),
);
export type QueuedNotification = z.infer<typeof QueuedNotificationSchema>;
/** A queued notification as the processor takes it (`provider` defaults to PagoEfectivo). */
export type QueuedNotificationInput = Omit<QueuedNotification, 'provider'> & {
  provider?: PaymentProviderName;
};
