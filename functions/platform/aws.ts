import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config';
import { traced } from './tracing';

let documentClient: DynamoDBDocumentClient | undefined;
let rawDynamoClient: DynamoDBClient | undefined;
let sqsClient: SQSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;

export function dynamoClient(): DynamoDBClient {
  if (rawDynamoClient === undefined) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    rawDynamoClient = traced(
      new DynamoDBClient({
        region: AWS_REGION,
        ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}),
      }),
    );
  }
  return rawDynamoClient;
}

export function dynamo(): DynamoDBDocumentClient {
  if (documentClient === undefined) {
    documentClient = DynamoDBDocumentClient.from(dynamoClient(), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return documentClient;
}

export function sqs(): SQSClient {
  if (sqsClient === undefined) {
    const { SQS_ENDPOINT, AWS_REGION } = config();
    sqsClient = traced(
      new SQSClient({ region: AWS_REGION, ...(SQS_ENDPOINT ? { endpoint: SQS_ENDPOINT } : {}) }),
    );
  }
  return sqsClient;
}

export function eventBridge(): EventBridgeClient {
  if (eventBridgeClient === undefined) {
    const { EVENTBRIDGE_ENDPOINT, AWS_REGION } = config();
    eventBridgeClient = traced(
      new EventBridgeClient({
        region: AWS_REGION,
        ...(EVENTBRIDGE_ENDPOINT ? { endpoint: EVENTBRIDGE_ENDPOINT } : {}),
      }),
    );
  }
  return eventBridgeClient;
}

/** Drops cached clients; the local stack and tests call it after changing endpoints. */
export function resetAwsClientsForTests(): void {
  documentClient = undefined;
  rawDynamoClient = undefined;
  sqsClient = undefined;
  eventBridgeClient = undefined;
}
