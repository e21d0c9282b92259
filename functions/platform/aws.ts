import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config';
import { traced } from './tracing';

/**
 * Every AWS SDK client's deadlines (the SDK's own: no request timeout, a 300 s socket timeout).
 * A stalled DynamoDB — throttled hard, a network fault, DynamoDB Local frozen — then holds each
 * call until the function dies, and an API caller learns nothing for as long. With these, a call
 * gives up after 2 s (connections in 1 s), tried twice: the caller gets a 503 with Retry-After
 * (platform/problem.ts) within about 4 s, inside the authorizer's 5 s. DynamoDB answers in
 * milliseconds; 2 s is a fault, not a slow page.
 */
export const AWS_CALL_LIMITS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
} as const;

const clientLimits = () => ({
  maxAttempts: AWS_CALL_LIMITS.maxAttempts,
  requestHandler: {
    connectionTimeout: AWS_CALL_LIMITS.connectionTimeoutMs,
    requestTimeout: AWS_CALL_LIMITS.requestTimeoutMs,
    // Without it the SDK only logs a warning when requestTimeout passes, and keeps waiting.
    throwOnRequestTimeout: true,
  },
});

let documentClient: DynamoDBDocumentClient | undefined;
let rawDynamoClient: DynamoDBClient | undefined;
let sqsClient: SQSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;

export function dynamoClient(): DynamoDBClient {
  if (rawDynamoClient === undefined) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    rawDynamoClient = traced(
      new DynamoDBClient({
        ...clientLimits(),
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
      new SQSClient({
        ...clientLimits(),
        region: AWS_REGION,
        ...(SQS_ENDPOINT ? { endpoint: SQS_ENDPOINT } : {}),
      }),
    );
  }
  return sqsClient;
}

export function eventBridge(): EventBridgeClient {
  if (eventBridgeClient === undefined) {
    const { EVENTBRIDGE_ENDPOINT, AWS_REGION } = config();
    eventBridgeClient = traced(
      new EventBridgeClient({
        ...clientLimits(),
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
