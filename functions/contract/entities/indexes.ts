/**
 * The table's global secondary indexes, declared once: the CDK and local tables, IAM and every
 * query read them from here, and each entity module names the index each of its listings lives
 * on (`indexes`), so no other code spells an index or its key attributes (decision 94).
 * gsi1/gsi2 serve listings, written on every transition and read rarely: they hold keys only and
 * readers BatchGet the page. gsi3 holds the sparse queues the jobs read whole, every minute: ALL.
 * See docs/data-model.md.
 */
export interface TableIndex {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'KEYS_ONLY' | 'ALL';
}

/** Listings by kind (status, type, outcome), by time. */
export const byKindIndex = {
  name: 'gsi1',
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
  projection: 'KEYS_ONLY',
} as const satisfies TableIndex;

/** Listings of all of something (every order, an order's refunds, a seller's payouts), by time. */
export const listingIndex = {
  name: 'gsi2',
  partitionKey: 'gsi2pk',
  sortKey: 'gsi2sk',
  projection: 'KEYS_ONLY',
} as const satisfies TableIndex;

/** Sparse queues (pending, unsettled, payout due) and the ledger, read whole by the jobs. */
export const queueIndex = {
  name: 'gsi3',
  partitionKey: 'gsi3pk',
  sortKey: 'gsi3sk',
  projection: 'ALL',
} as const satisfies TableIndex;

export const TABLE_INDEXES = [byKindIndex, listingIndex, queueIndex] as const;

/** What keys an item rather than describes it: the table key, every index key and the entity tag. */
export const KEY_ATTRIBUTES: readonly string[] = [
  'pk',
  'sk',
  'entity',
  ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
];

/** The value an item holds, without its key attributes: how every repository reads an item back. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const value: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete value[attribute];
  return value as T;
}
