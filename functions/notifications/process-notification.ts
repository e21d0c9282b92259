import { type ApplyOutcome, applyPayment, reportAnomaly } from '#payments/apply-payment';
import { now } from '#platform/clock';
import { logger } from '#platform/powertools';
import { parseProviderNotification } from '#psp/index';
import { applyProviderRefund } from '#refunds/provider-refunds';
import { matchVoucher } from './match-voucher';
import type { QueuedNotificationInput } from './queued-notification';

export type NotificationOutcome =
  | ApplyOutcome
  | { result: 'ignored'; eventType: string }
  | { result: 'refund'; refundId: string | undefined; status: string };

/** Turns one queued, already-verified notification into its effect on the orders. */
export async function processNotification(message: QueuedNotificationInput): Promise<NotificationOutcome> {
  const parsed = parseProviderNotification(
    message.provider ?? 'pagoefectivo',
    Buffer.from(message.rawBodyBase64, 'base64'),
    new Date(message.receivedAt),
  );
  if (parsed.kind === 'paid') {
    // The route it came by is the provider whose signature was verified on it.
    const payment = { ...(await matchVoucher(parsed.payment)), provider: message.provider ?? 'pagoefectivo' };
    return applyPayment(payment, 'webhook', message.webhookId);
  }
  if (parsed.kind === 'refund') {
    return applyProviderRefund(parsed.providerRefundId, parsed.status, message.webhookId);
  }
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
