import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventType, OutboxEvent } from '#model/event-types';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { encodeBucketCursor, queryBuckets } from './cursor';
import { ALL_LIST_BUCKETS, timeBound } from './entities/key-parts';
import { outboxEventEntity } from './entities/outbox-event';
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
