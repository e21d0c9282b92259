import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from '../platform/aws';
import { config } from '../platform/config';
import { pagoEfectivo } from '../psp/pagoefectivo';
import type { CreateOrderRequest } from './api-schemas';
import { createOrder } from './create-order';
import type { Order } from './order';

/**
 * The key is (caller, Idempotency-Key); the payload check hashes `body`, the JSON exactly as sent
 * (key order aside). `request` is that body already validated, so it is not parsed again.
 */
export interface IdempotentCreateRequest {
  keyId: string;
  idempotencyKey: string;
  body: unknown;
  request: CreateOrderRequest;
}

/** Keys live a day: long enough for any client retry loop, short enough to bound the table. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

let idempotentCreate: ((request: IdempotentCreateRequest) => Promise<Order>) | undefined;
let idempotencyConfig: IdempotencyConfig | undefined;

/**
 * `Idempotency-Key` support through Powertools idempotency, stored in our single table:
 * same caller + key + body replays the stored order; another body under the same key raises
 * IdempotencyValidationError; a concurrent duplicate raises IdempotencyAlreadyInProgressError.
 */
export function createOrderIdempotently(request: IdempotentCreateRequest, context: Context): Promise<Order> {
  if (idempotentCreate === undefined || idempotencyConfig === undefined) {
    idempotencyConfig = new IdempotencyConfig({
      eventKeyJmesPath: '[keyId, idempotencyKey]',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: config().TABLE_NAME,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: 'IDEMPOTENCY#create-order',
      expiryAttr: 'ttl',
      awsSdkV3Client: dynamoClient(),
    });
    idempotentCreate = makeIdempotent(
      async (input: IdempotentCreateRequest) => createOrder(input.request, pagoEfectivo()),
      { persistenceStore, config: idempotencyConfig },
    );
  }
  idempotencyConfig.registerLambdaContext(context);
  return idempotentCreate(request);
}
