import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { dynamoClient } from '#platform/aws';
import { tableName } from '#platform/config';
import { idempotencyRecordEntity } from './entities/idempotency-record';

/**
 * Powertools keys a composite-key table as pk = one static value per operation, sk = the hash:
 * every create of the whole marketplace would then write one partition (~1,000 writes/s at most,
 * shared with its reads). Each record gets a partition of its own instead.
 */
class SpreadIdempotencyStore extends DynamoDBPersistenceLayer {
  constructor(
    private readonly operation: string,
    options: ConstructorParameters<typeof DynamoDBPersistenceLayer>[0],
  ) {
    super(options);
  }

  protected override getKey(idempotencyKey: string) {
    return marshall(idempotencyRecordEntity.key(this.operation, idempotencyKey));
  }
}

/** Where Powertools keeps one operation's idempotency records: our table, TTL attribute `ttl`. */
export function idempotencyRecords(operation: string): DynamoDBPersistenceLayer {
  return new SpreadIdempotencyStore(operation, {
    tableName: tableName(),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    expiryAttr: 'ttl',
    awsSdkV3Client: dynamoClient(),
  });
}
