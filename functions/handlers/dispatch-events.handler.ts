import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchRecords } from '#events/dispatch';
import { instrumented } from '#platform/instrumented';

/** DynamoDB stream (outbox items only, by the event source filter) → EventBridge + webhook deliveries. */
export const handler = instrumented<DynamoDBStreamEvent, DynamoDBBatchResponse>((event) =>
  dispatchRecords(event.Records),
);
