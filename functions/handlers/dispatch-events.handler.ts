import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchRecords } from '#events/dispatch';
import { lambdaHandler } from '#platform/lambda-handler';

/** DynamoDB stream (outbox items only, by the event source filter) → EventBridge + webhook deliveries. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  dispatchRecords(event.Records);

export const handler = lambdaHandler(run);
