import { anomalyEntity } from './anomaly';
import { bankAccountEntity } from './bank-account';
import { expiryReminderEntity } from './expiry-reminder';
import { byKindIndex, listingIndex } from './indexes';
import { listBucketFor, sequence, timeSortKey } from './key-parts';
import { ledgerIntegrityEntity } from './ledger-integrity';
import { orderEntity } from './order';
import { payoutEntity } from './payout';
import { refundEntity } from './refund';
import { riskReviewEntity } from './risk-review';
import { settlementEntity } from './settlement';
import { webhookEndpointEntity } from './webhook-endpoint';

const SORT_PREFIX = 'EVENT#';

/** Partitions whose changes announce events: the event items live in the subject's partition. */
const SUBJECT_PREFIXES = [
  orderEntity.prefix,
  anomalyEntity.prefix,
  webhookEndpointEntity.prefix,
  refundEntity.prefix,
  settlementEntity.prefix,
  payoutEntity.prefix,
  bankAccountEntity.prefix,
  riskReviewEntity.subjectPrefix,
  ledgerIntegrityEntity.prefix,
].map((prefix) => prefix.slice(0, -1));
const SUBJECT = new RegExp(
  `^((${SUBJECT_PREFIXES.join('|')})#[^#]+|${expiryReminderEntity.subjectPrefix}[^#]+#\\d+)$`,
);
const SORT_KEY = /^EVENT#\d{8}$/;

/**
 * An outbox event: `<subject pk>` / `EVENT#<sequence>`, in the same transaction as the change it
 * describes; the feed's listings (gsi1 by type, gsi2 all) are bucketed by event id.
 */
export const outboxEventEntity = {
  name: 'event',
  /** The index each listing lives on. */
  indexes: { byType: byKindIndex, all: listingIndex },
  key: (subjectPk: string, eventSequence: number) => ({
    pk: subjectPk,
    sk: `${SORT_PREFIX}${sequence(eventSequence)}`,
  }),
  /** Every event's sort key starts so (an order's events: its partition past this prefix). */
  sortPrefix: SORT_PREFIX,
  /** gsi1: events of one type, bucketed. */
  byType: (type: string, bucket: number) => `EVENT_TYPE#${type}#${bucket}`,
  /** gsi2: every event, bucketed. */
  all: (bucket: number) => `EVENTS#${bucket}`,
  itemKeys: (subjectPk: string, eventSequence: number, eventId: string, type: string, occurredAt: string) => {
    const bucket = listBucketFor(eventId);
    const sortKey = timeSortKey(occurredAt, eventId);
    return {
      ...outboxEventEntity.key(subjectPk, eventSequence),
      gsi1pk: outboxEventEntity.byType(type, bucket),
      gsi1sk: sortKey,
      gsi2pk: outboxEventEntity.all(bucket),
      gsi2sk: sortKey,
    };
  },
  /** Whether these keys are an outbox event's: a known subject, an `EVENT#<8 digits>` sort key. */
  isEventKey: (pk: string, sk: string) => SUBJECT.test(pk) && SORT_KEY.test(sk),
  isEventSortKey: (sk: string) => SORT_KEY.test(sk),
} as const;
