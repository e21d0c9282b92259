import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchRecords } from '../events/dispatch';
import { logger, metrics } from '../platform/powertools';

/** DynamoDB stream (outbox items only, by the event source filter) → EventBridge + webhook deliveries. */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  try {
    return await dispatchRecords(event.Records);
  } finally {
    metrics.publishStoredMetrics();
  }
}
