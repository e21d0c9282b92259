import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { jobCursorEntity } from '#contract/entities/job-cursor';
import { ALL_QUEUE_BUCKETS, timeBound } from '#contract/entities/key-parts';
import { orderEntity } from '#contract/entities/order';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import type { Order } from '#model/order';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { indexQuery } from './cursor';
import { orderFromItem } from './orders-repository';

export interface PendingPage {
  orders: Order[];
  /** Where the next page starts; undefined when the bucket is exhausted. */
  nextKey: Record<string, unknown> | undefined;
  /** Items DynamoDB read to answer (what the read capacity is charged for). */
  itemsRead: number;
}

/**
 * One bucket of the sparse pending queue, soonest expiry first. Only PENDING_PAYMENT
 * orders carry its keys, so nothing else is ever read; `dueBefore` bounds the range to what is
 * due, so the expirer reads nothing that is not.
 */
export function queryPendingBucket(
  bucket: number,
  options: { limit: number; dueBefore?: string; dueFrom?: string; startKey?: Record<string, unknown> },
): Promise<PendingPage> {
  return queryGsi3(orderEntity.pending(bucket), {
    limit: options.limit,
    startKey: options.startKey,
    ...(options.dueBefore === undefined ? {} : { below: timeBound(options.dueBefore) }),
    ...(options.dueFrom === undefined ? {} : { from: timeBound(options.dueFrom) }),
  });
}

/**
 * One bucket of the sparse unsettled queue: paid orders no settlement report has listed
 * yet, by payment time, within [paidFrom, paidBefore). Settled orders drop out of the index.
 */
export function queryUnsettledBucket(
  bucket: number,
  options: { limit: number; paidFrom: string; paidBefore: string; startKey?: Record<string, unknown> },
): Promise<PendingPage> {
  return queryGsi3(orderEntity.unsettled(bucket), {
    ...options,
    from: timeBound(options.paidFrom),
    below: timeBound(options.paidBefore),
  });
}

/**
 * One bucket of the payout-due queue: seller balances that have had available money since
 * before `below` (a `timeBound`), whole items.
 */
export async function queryPayoutDueBucket(
  bucket: number,
  options: { limit: number; below: string; startKey?: Record<string, unknown> },
) {
  return queryGsi3Items(sellerBalanceEntity.payoutDue(bucket), options);
}

/** Whole orders from one queue partition (the queue index projects ALL), sort keys in [from, below), ascending. */
async function queryGsi3(
  partition: string,
  options: { limit: number; from?: string; below?: string; startKey?: Record<string, unknown> },
): Promise<PendingPage> {
  const page = await queryGsi3Items(partition, options);
  return { orders: page.items.map(orderFromItem), nextKey: page.nextKey, itemsRead: page.itemsRead };
}

async function queryGsi3Items(
  partition: string,
  options: { limit: number; from?: string; below?: string; startKey?: Record<string, unknown> },
) {
  const range =
    options.from !== undefined && options.below !== undefined
      ? '#sk BETWEEN :from AND :below'
      : options.below !== undefined
        ? '#sk < :below'
        : undefined;
  // Every queue on this index is one entity's listing; the order's pending queue names it.
  const query = indexQuery(orderEntity.indexes.pending, partition, range);
  const result = await dynamo().send(
    new QueryCommand({
      ...query,
      ExpressionAttributeValues: {
        ...query.ExpressionAttributeValues,
        ...(options.from !== undefined && options.below !== undefined ? { ':from': options.from } : {}),
        ...(options.below !== undefined ? { ':below': options.below } : {}),
      },
      ScanIndexForward: true,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    items: result.Items ?? [],
    nextKey: result.LastEvaluatedKey,
    itemsRead: result.ScannedCount ?? result.Count ?? 0,
  };
}

/** The queues' buckets, each read on its own by the jobs. */
export const ALL_BUCKETS = ALL_QUEUE_BUCKETS;

/** Where a job stopped, per bucket, so the next run continues instead of starting over. */
export type JobCursor = Record<string, Record<string, unknown> | null>;

export async function loadJobCursor(job: string): Promise<JobCursor> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: jobCursorEntity.key(job), ConsistentRead: true }),
  );
  return (result.Item?.cursor as JobCursor | undefined) ?? {};
}

export async function saveJobCursor(job: string, cursor: JobCursor, at: string): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...jobCursorEntity.key(job), entity: jobCursorEntity.name, cursor, updatedAt: at },
    }),
  );
}
