import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processNotification } from '../payments/process-notification';
import { QueuedNotificationSchema } from '../payments/queued-notification';
import { logger, metrics } from '../platform/powertools';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Each record is applied on its own; a failing record is reported in batchItemFailures so only it
 * is redelivered (and after maxReceiveCount, moved to the DLQ). A record that is not our message
 * format throws here: that is a poison message, and the DLQ is where it belongs.
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  const message = QueuedNotificationSchema.parse(JSON.parse(record.body));
  const outcome = await processNotification(message);
  logger.info('notification processed', {
    messageId: record.messageId,
    webhookId: message.webhookId,
    outcome,
  });
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, recordHandler, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
}
