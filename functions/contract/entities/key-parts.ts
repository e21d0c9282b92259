import { createHash } from 'node:crypto';

/**
 * Index partitions that every write of a kind lands in are spread over buckets, so no partition
 * key takes all of them (one partition takes ~1,000 write units/s; docs/data-model.md "Hot
 * partitions"). The bucket is a stable hash of the item's id; readers query every bucket and merge.
 */

/** Order and event listings (gsi1/gsi2): 8 buckets, read back merged (store/cursor.ts). */
export const LIST_BUCKETS = 8;
export const ALL_LIST_BUCKETS = Array.from({ length: LIST_BUCKETS }, (_, bucket) => bucket);

/** The sparse gsi3 queues (pending, unsettled, payout-due): 4 buckets, read by the jobs. */
export const QUEUE_BUCKETS = 4;
export const ALL_QUEUE_BUCKETS = Array.from({ length: QUEUE_BUCKETS }, (_, bucket) => bucket);

function hashBucket(id: string, buckets: number): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % buckets;
}

export const listBucketFor = (id: string) => hashBucket(id, LIST_BUCKETS);
export const queueBucketFor = (id: string) => hashBucket(id, QUEUE_BUCKETS);

/** An index sort key `<at>#<id>`: time first, so a partition reads in time order. */
export const timeSortKey = (at: string, id: string) => `${at}#${id}`;
/**
 * The bound just below every `<at>#…` sort key of that instant: '#' sorts before every id
 * character, so `<t>#…` < `<bound>#` means t < bound.
 */
export const timeBound = (at: string) => `${at}#`;

/** Buyer fields and IPs are personal data: links and counters are keyed by a hash of the value. */
export const hashedValue = (value: string) =>
  createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 32);

/** A fixed-width sequence number, so sort keys order numerically (`00000012`). */
export const sequence = (n: number, width = 8) => String(n).padStart(width, '0');
