import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../orders/order';
import { dynamo } from '../platform/aws';
import { config } from '../platform/config';
import { keys, PENDING_BUCKETS, pendingBucket, unsettledBucket } from './keys';
import { orderFromItem } from './orders-repository';

export interface PendingPage {
  orders: Order[];
  /** Where the next page starts; undefined when the bucket is exhausted. */
  nextKey: Record<string, unknown> | undefined;
  /** Items DynamoDB read to answer (what the read capacity is charged for). */
  itemsRead: number;
}

/**
 * One bucket of the sparse pending index (gsi3), soonest expiry first. Only PENDING_PAYMENT
 * orders carry gsi3 keys, so nothing else is ever read; `dueBefore` bounds the range to what is
 * due, so the expirer reads nothing that is not.
 */
export async function queryPendingBucket(
  bucket: number,
  options: { limit: number; dueBefore?: string; startKey?: Record<string, unknown> },
): Promise<PendingPage> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      IndexName: 'gsi3',
      KeyConditionExpression:
        options.dueBefore === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk < :due',
      ExpressionAttributeValues: {
        ':pk': pendingBucket(bucket),
        // '#' sorts before every id character, so `<expiresAt>#…` < `<dueBefore>#` means expiresAt < dueBefore.
        ...(options.dueBefore === undefined ? {} : { ':due': `${options.dueBefore}#` }),
      },
      ScanIndexForward: true,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    orders: (result.Items ?? []).map(orderFromItem),
    nextKey: result.LastEvaluatedKey,
    itemsRead: result.ScannedCount ?? result.Count ?? 0,
  };
}

/**
 * One bucket of the sparse unsettled index (gsi3): paid orders no settlement report has listed
 * yet, by payment time, within [paidFrom, paidBefore). Settled orders drop out of the index.
 */
export async function queryUnsettledBucket(
  bucket: number,
  options: { limit: number; paidFrom: string; paidBefore: string; startKey?: Record<string, unknown> },
): Promise<PendingPage> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :before',
      ExpressionAttributeValues: {
        ':pk': unsettledBucket(bucket),
        ':from': `${options.paidFrom}#`,
        ':before': `${options.paidBefore}#`,
      },
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    orders: (result.Items ?? []).map(orderFromItem),
    nextKey: result.LastEvaluatedKey,
    itemsRead: result.ScannedCount ?? result.Count ?? 0,
  };
}

export const ALL_BUCKETS = Array.from({ length: PENDING_BUCKETS }, (_, bucket) => bucket);

/** Where a job stopped, per bucket, so the next run continues instead of starting over. */
export type JobCursor = Record<string, Record<string, unknown> | null>;

export async function loadJobCursor(job: string): Promise<JobCursor> {
  const result = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.jobCursor(job), ConsistentRead: true }),
  );
  return (result.Item?.cursor as JobCursor | undefined) ?? {};
}

export async function saveJobCursor(job: string, cursor: JobCursor, at: string): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: config().TABLE_NAME,
      Item: { ...keys.jobCursor(job), entity: 'job-cursor', cursor, updatedAt: at },
    }),
  );
}
