import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_LIST_BUCKETS, timeBound } from '#contract/entities/key-parts';
import { orderEntity } from '#contract/entities/order';
import { outboxEventEntity } from '#contract/entities/outbox-event';
import type { EventType, OutboxEvent } from '#model/event-types';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { encodeBucketCursor, queryBuckets } from './cursor';
import { eventFromItem, eventKeyFromId } from './outbox';

/**
 * Events become visible in the feed once they are this old. Transactions commit a moment after
 * they stamp `occurredAt`; holding back the newest seconds means a reader's cursor never passes
 * an event that is still being committed, so catching up after an outage misses nothing.
 */
export const FEED_SETTLE_MS = 3000;

export async function listEvents(filter: { type?: EventType; after?: string; limit: number }, nowMs: number) {
  const type = filter.type;
  const listing = type !== undefined ? `events:${type}` : 'events';
  const page = await queryBuckets({
    ...(type !== undefined
      ? {
          index: outboxEventEntity.indexes.byType,
          partitions: ALL_LIST_BUCKETS.map((bucket) => outboxEventEntity.byType(type, bucket)),
        }
      : {
          index: outboxEventEntity.indexes.all,
          partitions: ALL_LIST_BUCKETS.map(outboxEventEntity.all),
        }),
    listing,
    ascending: true,
    limit: filter.limit,
    cursor: filter.after,
    below: timeBound(new Date(nowMs - FEED_SETTLE_MS).toISOString()),
    field: 'query.after',
  });
  // The cursor of the last item read, even on a short last page, so a reader can come back later for more.
  return {
    items: page.items.map(eventFromItem),
    nextCursor: encodeBucketCursor(listing, page.lastSortKey) ?? filter.after ?? null,
    hasMore: page.hasMore,
  };
}

export async function getEvent(id: string): Promise<OutboxEvent | undefined> {
  const key = eventKeyFromId(id);
  if (!key) return undefined;
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: key }));
  return result.Item?.entity === 'event' ? eventFromItem(result.Item) : undefined;
}

/**
 * The events an order announced, oldest first: they live in the order's own partition
 * (`EVENT#<sequence>`), so this is one Query on the table's key, read whole (an order announces
 * a handful: its transitions). Events about it written under other subjects (its refunds,
 * expiry reminders, a risk flag) are not here: those live in their own partitions.
 */
export async function listOrderEvents(orderId: string): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': orderEntity.partition(orderId),
          ':prefix': outboxEventEntity.sortPrefix,
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) if (item.entity === 'event') events.push(eventFromItem(item));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return events;
}
