import { MetricUnit } from '@aws-lambda-powertools/metrics';
// zod/mini: the queue message is all the delivery function validates (decision 57).
import * as z from 'zod/mini';
import { type DeliveryAttempt, signingSecrets } from '#model/webhook-endpoint';
import { nowMs } from '#platform/clock';
import { config } from '#platform/config';
import { logger, metrics } from '#platform/powertools';
import { schema } from '#platform/schema';
import { getEvent } from '#store/event-feed';
import {
  disableEndpoint,
  getEndpoint,
  markDeliveryFailed,
  markDeliverySucceeded,
  recordAttempt,
} from '#store/webhook-endpoints-repository';
import { postWebhook } from './post-webhook';
import { signatureHeader } from './standard-webhooks';

export const DeliveryMessageSchema = /* @__PURE__ */ schema(() =>
  z.object({
    eventId: z.string().check(z.minLength(1)),
    endpointId: z.string().check(z.minLength(1)),
  }),
);
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

/** Thrown to have SQS hand the message back after `delaySeconds` (the consumer sets the visibility). */
export class RetryLater extends Error {
  constructor(
    readonly delaySeconds: number,
    /** Why this attempt failed (e.g. `connect ECONNREFUSED …`, `HTTP 500`), for the log line. */
    reason = 'failed',
  ) {
    super(`${reason}; retry in ${delaySeconds} s`);
    this.name = 'RetryLater';
  }
}

export type DeliveryOutcome = DeliveryAttempt['outcome'] | 'dropped';

/**
 * Delivers one event to one endpoint per the Standard Webhooks spec. `attempt` is the message's
 * receive count: attempt n failing waits schedule[n-1] seconds; after the last, we give up. A
 * 410 disables the endpoint at once; an endpoint failing without a success for longer than
 * WEBHOOK_DISABLE_AFTER_HOURS is disabled. Both announce themselves with webhook_endpoint.disabled.
 */
export async function deliver(message: DeliveryMessage, attempt: number): Promise<DeliveryOutcome> {
  const env = config();
  const [endpoint, event] = await Promise.all([getEndpoint(message.endpointId), getEvent(message.eventId)]);
  if (endpoint?.status !== 'enabled' || !event) return 'dropped';

  const now = new Date(nowMs());
  // The receiver holds this against its own clock (Standard Webhooks: within 5 minutes), so it is
  // wall-clock time, never the local stack's movable test clock (the same in AWS, where both agree).
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
  const result = await postWebhook(
    endpoint.url,
    {
      'content-type': 'application/json',
      'user-agent': 'pagoefectivo-marketplace-webhooks/1',
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(signingSecrets(endpoint, now), event.id, timestamp, body),
    },
    body,
    { timeoutMs: env.WEBHOOK_TIMEOUT_MS, allowPrivate: env.STAGE === 'local' },
  );
  const base = {
    eventId: event.id,
    eventType: event.type,
    attempt,
    at: now.toISOString(),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    ...(result.error ? { error: result.error } : {}),
  };

  if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
    await Promise.all([
      recordAttempt(endpoint.id, { ...base, outcome: 'delivered' }),
      markDeliverySucceeded(endpoint.id, now),
    ]);
    metrics.addMetric('WebhookDelivered', MetricUnit.Count, 1);
    return 'delivered';
  }
  metrics.addMetric('WebhookDeliveryFailed', MetricUnit.Count, 1);
  if (result.statusCode === 410) {
    await recordAttempt(endpoint.id, { ...base, outcome: 'endpoint_gone' });
    await disableEndpoint(endpoint, 'The endpoint answered 410 Gone.', now);
    return 'endpoint_gone';
  }

  const failingSince = (await markDeliveryFailed(endpoint.id, now)) ?? now.toISOString();
  const failingForHours = (now.getTime() - Date.parse(failingSince)) / 3600_000;
  const delay = env.WEBHOOK_RETRY_SCHEDULE_SECONDS[attempt - 1];
  if (failingForHours >= env.WEBHOOK_DISABLE_AFTER_HOURS) {
    await recordAttempt(endpoint.id, { ...base, outcome: 'gave_up' });
    await disableEndpoint(endpoint, `Failing without a success since ${failingSince}.`, now);
    logger.warn('webhook endpoint disabled', { endpointId: endpoint.id, failingSince });
    return 'gave_up';
  }
  if (delay === undefined) {
    await recordAttempt(endpoint.id, { ...base, outcome: 'gave_up' });
    logger.warn('webhook delivery abandoned after its last retry', {
      endpointId: endpoint.id,
      eventId: event.id,
    });
    return 'gave_up';
  }
  await recordAttempt(endpoint.id, {
    ...base,
    outcome: 'failed',
    nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString(),
  });
  throw new RetryLater(delay, `${endpoint.url}: ${result.error ?? `HTTP ${result.statusCode}`}`);
}
