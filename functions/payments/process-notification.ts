import { now } from '../platform/clock';
import { logger } from '../platform/powertools';
import { type ApplyOutcome, applyPayment, reportAnomaly } from './apply-payment';
import { parseNotification } from './notification';
import type { QueuedNotification } from './queued-notification';

export type NotificationOutcome = ApplyOutcome | { result: 'ignored'; eventType: string };

/** Turns one queued, already-verified notification into its effect on the orders. */
export async function processNotification(message: QueuedNotification): Promise<NotificationOutcome> {
  const parsed = parseNotification(Buffer.from(message.rawBodyBase64, 'base64'));
  if (parsed.kind === 'paid') return applyPayment(parsed.payment, 'webhook', message.webhookId);
  if (parsed.kind === 'informational') {
    logger.info('informational notification; nothing to apply', {
      eventType: parsed.eventType,
      webhookId: message.webhookId,
    });
    return { result: 'ignored', eventType: parsed.eventType };
  }
  const type = parsed.kind === 'unknown_event_type' ? 'unknown_event_type' : 'unparsable_notification';
  await reportAnomaly({
    id: `${type}:${message.webhookId}`,
    type,
    detectedAt: now().toISOString(),
    detail:
      parsed.kind === 'unknown_event_type' ? `Event type ${parsed.eventType} is not handled.` : parsed.reason,
    webhookId: message.webhookId,
    source: 'webhook',
  });
  return { result: 'anomaly', type };
}
