import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchRecords } from '#events/dispatch';
import { lambdaHandler } from '#platform/lambda-handler';

/** DynamoDB stream (outbox items only, by the event source filter) → EventBridge + webhook deliveries. */
export const handler = lambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>((event) =>
  dispatchRecords(event.Records),
);
