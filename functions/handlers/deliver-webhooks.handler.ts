import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DeliveryMessageSchema, deliver, RetryLater } from '#outbound-webhooks/deliver';
import { sqs } from '#platform/aws';
import { config } from '#platform/config';
import { logger } from '#platform/powertools';
import { sqsBatchHandler } from '#platform/sqs-handler';

/**
 * One outgoing webhook per message. A delivery to retry sets the message's visibility to the
 * backoff delay and reports it failed, so SQS hands it back exactly then (up to 12 h per step);
 * the receive count is the attempt number.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export async function run(record: SQSRecord): Promise<void> {
  const message = DeliveryMessageSchema.parse(JSON.parse(record.body));
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const outcome = await deliver(message, attempt);
    logger.info('webhook delivery', { ...message, attempt, outcome });
  } catch (error) {
    if (error instanceof RetryLater) {
      const queueUrl = config().WEBHOOK_DELIVERY_QUEUE_URL;
      if (queueUrl) {
        await sqs().send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: Math.min(error.delaySeconds, 43_200),
          }),
        );
      }
    }
    throw error;
  }
}

export const handler = sqsBatchHandler(run, {
  describe: (record) => DeliveryMessageSchema.parse(JSON.parse(record.body)),
  // An endpoint that fails is retried by visibility; only our own crashes are errors.
  expectedFailure: (error) => error instanceof RetryLater,
  crashMetric: 'WebhookDeliveryCrashed',
});
