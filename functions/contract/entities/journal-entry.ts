import { queueIndex } from './indexes';
import { LIST_BUCKETS, listBucketFor } from './key-parts';

/**
 * A ledger journal entry: written once (`attribute_not_exists`), never changed. Every entry also
 * sits in gsi3 (`LEDGER#<b>`), which projects whole items, sorted by `<subject>#<entryId>`: the
 * integrity job (jobs/ledger-integrity.ts) reads the whole journal from there, each entry once and
 * never by Scan, and finds an order's entries (payment, refunds, settlement) next to each other.
 * The subject is the order, else the payout, else the anomaly, else the entry itself; the bucket is
 * a hash of the subject, so no index partition takes every booking.
 */
export const journalEntryEntity = {
  name: 'journal-entry',
  /** The index each listing lives on. */
  indexes: { ledger: queueIndex },
  key: (entryId: string) => ({ pk: `JOURNAL#${entryId}`, sk: 'ENTRY' }),
  /** gsi3: the journal, bucketed by subject. */
  ledger: (bucket: number) => `LEDGER#${bucket}`,
  buckets: LIST_BUCKETS,
  subjectOf: (entry: { id: string; orderId?: string; payoutId?: string; anomalyId?: string }) =>
    entry.orderId ?? entry.payoutId ?? entry.anomalyId ?? entry.id,
  ledgerKeys: (entry: { id: string; orderId?: string; payoutId?: string; anomalyId?: string }) => {
    const subject = journalEntryEntity.subjectOf(entry);
    return {
      gsi3pk: journalEntryEntity.ledger(listBucketFor(subject)),
      gsi3sk: `${subject}#${entry.id}`,
    };
  },
} as const;
