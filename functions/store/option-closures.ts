import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { optionClosureEntity } from '#contract/entities/payment-option';
import type { PaymentMethod, PaymentProviderName } from '#contract/service';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { indexQuery } from './cursor';

/** An option another payment made redundant, to be closed at its provider (decision 104). */
export interface OptionClosure {
  optionId: string;
  orderId: string;
  method: PaymentMethod;
  provider: PaymentProviderName;
  /** The CIP (cash) or the provider's id for the wallet order. */
  ref: string;
  /** The CIP's provider payment id where it has one (dLocal). */
  providerPaymentId?: string;
  state: 'pending' | 'closed';
  requestedAt: string;
  attempts: { at: string; outcome: string }[];
}

/**
 * The closure's item, put in the paying transaction: pending, and in the sparse queue partition
 * `OPTION_CLOSING` that sync-pending reads to retry it. Unconditional: the payment record in the
 * same transaction already makes the transaction happen once.
 */
export function closurePut(closure: OptionClosure): {
  Put: { TableName: string; Item: Record<string, unknown> };
} {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...optionClosureEntity.key(closure.optionId),
        entity: optionClosureEntity.name,
        ...closure,
        ...optionClosureEntity.closingKeys(closure.requestedAt, closure.optionId),
      },
    },
  };
}

const closing = optionClosureEntity.indexes.closing;

/** Appends one attempt; a final one (`closed`) also leaves the retry index. */
export async function recordClosureAttempt(
  optionId: string,
  attempt: { at: string; outcome: string },
  closed: boolean,
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: optionClosureEntity.key(optionId),
      UpdateExpression: closed
        ? `SET attempts = list_append(attempts, :attempt), #state = :closed REMOVE ${closing.partitionKey}, ${closing.sortKey}`
        : 'SET attempts = list_append(attempts, :attempt)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: closed ? { '#state': 'state' } : undefined,
      ExpressionAttributeValues: { ':attempt': [attempt], ...(closed ? { ':closed': 'closed' } : {}) },
    }),
  );
}

/** Closures still pending, oldest first (sync-pending retries them). */
export async function pendingClosures(limit: number): Promise<OptionClosure[]> {
  const result = await dynamo().send(
    new QueryCommand({
      ...indexQuery(closing, optionClosureEntity.closing()),
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => item as unknown as OptionClosure);
}

export async function getClosure(optionId: string): Promise<OptionClosure | undefined> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': optionClosureEntity.key(optionId).pk },
      ConsistentRead: true,
    }),
  );
  return result.Items?.[0] as OptionClosure | undefined;
}
