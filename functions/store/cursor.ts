import {
  BatchGetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { TableIndex } from '#contract/entities/indexes';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { ValidationError } from '#platform/errors';

/** Opaque pagination cursor: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const cursorProblem = (field: string) =>
  new ValidationError([{ field, message: 'Not a cursor this API returned for this listing.' }]);

function decodeCursor(
  cursor: string | undefined,
  field = 'query.cursor',
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value).every((part) => typeof part === 'string')
    ) {
      return value as Record<string, string>;
    }
  } catch {
    // fall through to the validation error below
  }
  throw cursorProblem(field);
}

/**
 * One page of a Query, starting after the caller's cursor. DynamoDB refuses a start key that does
 * not belong to the query (another listing's cursor, a hand-made one) with a ValidationException:
 * that is the caller's mistake, answered 400 on the cursor's field, never a 500.
 */
export async function queryPage(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  cursor: string | undefined,
  field = 'query.cursor',
): Promise<QueryCommandOutput> {
  const ExclusiveStartKey = decodeCursor(cursor, field);
  try {
    return await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey }));
  } catch (error) {
    if (ExclusiveStartKey && error instanceof Error && error.name === 'ValidationException') {
      throw cursorProblem(field);
    }
    throw error;
  }
}

/**
 * A listing spread over several index partitions (buckets), so that no single partition key takes
 * every write of the marketplace. Read back as one ordered list: each bucket is asked for its
 * first `limit` items past the cursor, the answers are merged by sort key, and the first `limit`
 * are returned — the global first `limit` are always among them. The cursor is the last sort key
 * returned, tagged with its listing, so a cursor from another listing is a 400, not a wrong page.
 * Costs one Query per bucket per page (reads, not writes, grow with the bucket count).
 */
export async function queryBuckets(input: {
  /** The index (an entity's `indexes` names it). */
  index: TableIndex;
  /** One value per bucket. */
  partitions: readonly string[];
  /** Names the listing; a cursor carries it. */
  listing: string;
  ascending: boolean;
  limit: number;
  cursor: string | undefined;
  /** Only sort keys below this (e.g. the feed's settle boundary). */
  below?: string;
  field?: string;
}): Promise<{ items: Record<string, unknown>[]; lastSortKey: string | undefined; hasMore: boolean }> {
  const field = input.field ?? 'query.cursor';
  const after = decodeBucketCursor(input.cursor, input.listing, field);
  const { partitionKey: pk, sortKey: sk } = input.index;
  const pages = await Promise.all(
    input.partitions.map((partition) => {
      const bounds: string[] = [];
      const values: Record<string, string> = { ':pk': partition };
      if (after !== undefined) {
        bounds.push(input.ascending ? '#sk > :after' : '#sk < :after');
        values[':after'] = after;
      }
      if (input.below !== undefined) {
        bounds.push('#sk < :below');
        values[':below'] = input.below;
      }
      // DynamoDB allows one condition on the sort key: keep the tighter, filter the other below.
      const keyCondition = ['#pk = :pk', ...bounds.slice(0, 1)].join(' AND ');
      return dynamo().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: input.index.name,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeNames: { '#pk': pk, ...(bounds.length ? { '#sk': sk } : {}) },
          ExpressionAttributeValues: Object.fromEntries(
            Object.entries(values).filter(([name]) => keyCondition.includes(name)),
          ),
          ScanIndexForward: input.ascending,
          Limit: input.limit,
        }),
      );
    }),
  );
  const direction = input.ascending ? 1 : -1;
  const below = input.below;
  const merged = pages
    .flatMap((page) => page.Items ?? [])
    .filter((item) => below === undefined || String(item[sk]) < below)
    .sort((a, b) => direction * String(a[sk]).localeCompare(String(b[sk])));
  const entries = merged.slice(0, input.limit);
  const items = await fetchFullItems(entries);
  const hasMore =
    merged.length > input.limit ||
    pages.some((page) => page.LastEvaluatedKey !== undefined && (page.Items?.length ?? 0) > 0);
  const last = entries.at(-1);
  return { items, lastSortKey: last === undefined ? after : String(last[sk]), hasMore };
}

export function encodeBucketCursor(listing: string, sortKey: string | undefined): string | null {
  return sortKey === undefined
    ? null
    : Buffer.from(JSON.stringify({ l: listing, k: sortKey })).toString('base64url');
}

function decodeBucketCursor(cursor: string | undefined, listing: string, field: string): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      l?: unknown;
      k?: unknown;
    };
    if (value.l === listing && typeof value.k === 'string' && value.k.length > 0 && value.k.length <= 512) {
      return value.k;
    }
  } catch {
    // fall through
  }
  throw cursorProblem(field);
}

/**
 * The whole items behind index entries, in the same order. The listing indexes project keys only
 * (contract/entities/indexes.ts): an order or event write then costs each of them one small index write instead
 * of a copy of a 2–4 KB item, and the rarely read listings pay one BatchGetItem per page instead.
 * Items gone meanwhile are left out. Unprocessed keys (throttling) are asked for again, bounded.
 */
export async function fetchFullItems(
  entries: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  if (entries.length === 0) return [];
  const TableName = tableName();
  const keyOf = (item: Record<string, unknown>) => `${String(item.pk)}\u0000${String(item.sk)}`;
  const found = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < entries.length; start += 100) {
    let pending: Record<string, unknown>[] = entries
      .slice(start, start + 100)
      .map((entry) => ({ pk: entry.pk, sk: entry.sk }));
    for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
      const result = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[TableName] ?? []) found.set(keyOf(item), item);
      pending = (result.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return entries.flatMap((entry) => {
    const item = found.get(keyOf(entry));
    return item ? [item] : [];
  });
}

/**
 * One page of a keys-only index partition, newest first unless `ascending`, with the
 * whole items fetched behind it: the listing shape of settlements, endpoints and their peers.
 */
export async function listIndexPartition<T>(input: {
  index: TableIndex & { projection: 'KEYS_ONLY' };
  partition: string;
  limit: number;
  cursor?: string | undefined;
  ascending?: boolean;
  /** The repository's reading of one full item. */
  from: (item: Record<string, unknown>) => T;
}): Promise<{ items: T[]; nextCursor: string | null }> {
  const page = await queryPage(
    {
      ...indexQuery(input.index, input.partition),
      ScanIndexForward: input.ascending ?? false,
      Limit: input.limit,
    },
    input.cursor,
  );
  const items = await fetchFullItems(page.Items ?? []);
  return { items: items.map(input.from), nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/**
 * A Query of one index partition: the table, the index and `<its partition key> = :pk`. `sortKey`
 * adds a condition on the index's sort key, written with `#sk` (e.g. `#sk < :before`), whose
 * values the caller adds to ExpressionAttributeValues.
 */
export function indexQuery(index: TableIndex, partition: string, sortKey?: string) {
  return {
    TableName: tableName(),
    IndexName: index.name,
    KeyConditionExpression: sortKey === undefined ? '#pk = :pk' : `#pk = :pk AND ${sortKey}`,
    ExpressionAttributeNames: {
      '#pk': index.partitionKey,
      ...(sortKey === undefined ? {} : { '#sk': index.sortKey }),
    },
    ExpressionAttributeValues: { ':pk': partition } as Record<string, unknown>,
  };
}
