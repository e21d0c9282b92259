import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../platform/aws';
import { config } from '../platform/config';
import { encodeCursor, queryPage } from '../store/cursor';
import {
  ALL_EVENTS,
  type EventType,
  eventFromItem,
  eventKeyFromId,
  eventsByType,
  type OutboxEvent,
} from './outbox';

/**
 * Events become visible in the feed once they are this old. Transactions commit a moment after
 * they stamp `occurredAt`; holding back the newest seconds means a reader's cursor never passes
 * an event that is still being committed, so catching up after an outage misses nothing.
 */
export const FEED_SETTLE_MS = 3000;

export async function listEvents(filter: { type?: EventType; after?: string; limit: number }, nowMs: number) {
  const byType = filter.type !== undefined;
  const settled = `${new Date(nowMs - FEED_SETTLE_MS).toISOString()}#`;
  const page = await queryPage(
    {
      TableName: config().TABLE_NAME,
      IndexName: byType ? 'gsi1' : 'gsi2',
      KeyConditionExpression: byType
        ? 'gsi1pk = :pk AND gsi1sk < :settled'
        : 'gsi2pk = :pk AND gsi2sk < :settled',
      ExpressionAttributeValues: {
        ':pk': byType ? eventsByType(filter.type as string) : ALL_EVENTS,
        ':settled': settled,
      },
      ScanIndexForward: true,
      Limit: filter.limit,
    },
    filter.after,
    'query.after',
  );
  const items = (page.Items ?? []).map(eventFromItem);
  // The cursor of the last item read, even on a short last page, so a reader can come back later for more.
  const last = page.Items?.at(-1);
  const lastKey =
    page.LastEvaluatedKey ??
    (last
      ? Object.fromEntries(
          (byType ? ['pk', 'sk', 'gsi1pk', 'gsi1sk'] : ['pk', 'sk', 'gsi2pk', 'gsi2sk']).map((name) => [
            name,
            last[name],
          ]),
        )
      : undefined);
  return {
    items,
    nextCursor: encodeCursor(lastKey) ?? filter.after ?? null,
    hasMore: page.LastEvaluatedKey !== undefined,
  };
}

export async function getEvent(id: string): Promise<OutboxEvent | undefined> {
  const key = eventKeyFromId(id);
  if (!key) return undefined;
  const result = await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: key }));
  return result.Item?.entity === 'event' ? eventFromItem(result.Item) : undefined;
}
