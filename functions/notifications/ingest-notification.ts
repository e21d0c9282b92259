import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { PaymentProviderName } from '#contract/service';
import { sqs } from '#platform/aws';
import { nowMs } from '#platform/clock';
import { config } from '#platform/config';
import { PayloadTooLargeError, UnauthorizedError } from '#platform/errors';
import { logger, metrics } from '#platform/powertools';
import { keepRawNotification } from '#store/raw-notifications';
import type { QueuedNotification } from './queued-notification';

/**
 * Verify, store, enqueue — and nothing else, so PagoEfectivo gets its 200 fast. Order of steps:
 * 1. size limit and signature over the raw bytes: a forgery stores and queues nothing;
 * 2. the raw body is kept for audit (TTL) under the hash of its bytes, and
 * 3. the message is sent to SQS — concurrently; only when both are durable do we acknowledge.
 *    If either fails we answer 5xx and PagoEfectivo delivers again; both writes are idempotent
 *    (same audit key, and the processor dedupes on (cip, operationNumber)).
 * Parsing happens in the processor: a valid signature over an odd body is still acknowledged,
 * then recorded there as an anomaly (see docs/webhooks.md).
 */
export async function ingestNotification(
  rawBody: Buffer,
  check: {
    provider: PaymentProviderName;
    /** The signature header as received, kept with the raw body for audit. */
    signature: string | undefined;
    /** Checks the provider's signature over the raw bytes (each adapter's signing.ts). */
    verify: (rawBody: Buffer) => boolean;
  },
): Promise<{ notificationId: string }> {
  const { provider, signature } = check;
  const env = config();
  if (rawBody.length > env.NOTIFICATION_MAX_BODY_BYTES) {
    metrics.addMetric('NotificationRejected', MetricUnit.Count, 1);
    throw new PayloadTooLargeError(
      `Notification bodies are limited to ${env.NOTIFICATION_MAX_BODY_BYTES} bytes.`,
    );
  }
  if (!check.verify(rawBody)) {
    metrics.addMetric('NotificationSignatureRejected', MetricUnit.Count, 1);
    logger.warn('notification with a missing or wrong signature', { provider });
    throw new UnauthorizedError(
      provider === 'dlocal'
        ? 'Missing or invalid dLocal signature.'
        : provider === 'culqi'
          ? 'Missing or invalid Culqi webhook authentication.'
          : 'Missing or invalid PE-Signature.',
    );
  }
  const notificationId = createHash('sha256').update(rawBody).digest('hex');
  const receivedAtMs = nowMs();
  const receivedAt = new Date(receivedAtMs).toISOString();
  if (env.PAYMENT_QUEUE_URL === undefined) throw new Error('PAYMENT_QUEUE_URL is not configured');
  if (env.RAW_NOTIFICATION_TABLE_NAME === undefined)
    throw new Error('RAW_NOTIFICATION_TABLE_NAME is not configured');
  const message: QueuedNotification = {
    notificationId,
    receivedAt,
    rawBodyBase64: rawBody.toString('base64'),
    provider,
  };
  // Both writes are idempotent and both must succeed before we answer 200, so run them side by
  // side: the request costs the slower of the two, not their sum.
  await Promise.all([
    keepRawNotification(
      env.RAW_NOTIFICATION_TABLE_NAME,
      { notificationId, provider, receivedAt, signature, rawBodyBase64: message.rawBodyBase64 },
      Math.floor(receivedAtMs / 1000) + env.RAW_NOTIFICATION_RETENTION_DAYS * 86_400,
    ),
    sqs().send(
      new SendMessageCommand({ QueueUrl: env.PAYMENT_QUEUE_URL, MessageBody: JSON.stringify(message) }),
    ),
  ]);
  // The stage's voucher provider's notifications only: the "notifications silent" heartbeat is
  // about cash payments reaching us, and a wallet's (or anyone's) traffic must not keep it quiet.
  metrics.addMetric(
    provider === env.PSP_PROVIDER ? 'NotificationAccepted' : 'WalletNotificationAccepted',
    MetricUnit.Count,
    1,
  );
  return { notificationId };
}
