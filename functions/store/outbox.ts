/**
 * The outbox: every change that the marketplace must hear about writes an event item in the same
 * transaction as the change. The DynamoDB stream carries each new event item to the dispatcher
 * (EventBridge + outgoing webhooks); the items themselves are the replayable feed. This module is
 * the item's format; the vocabulary (event types) is the domain's, events/event-types.ts.
 */
import type { EventType, OutboxEvent } from '#events/event-types';
import { listBucketFor } from './keys';

/** The feed's index partitions, bucketed by event id like the order listings (store/keys.ts LIST_BUCKETS). */
export const allEvents = (bucket: number) => `EVENTS#${bucket}`;
export const eventsByType = (type: string, bucket: number) => `EVENT_TYPE#${type}#${bucket}`;

/** Event ids are the item's key, encoded: any id leads straight back to its item (redelivery). */
export function eventIdFor(pk: string, sk: string): string {
  return `evt_${Buffer.from(`${pk}|${sk}`, 'utf8').toString('base64url')}`;
}

export function eventKeyFromId(id: string): { pk: string; sk: string } | undefined {
  if (!id.startsWith('evt_')) return undefined;
  const decoded = Buffer.from(id.slice(4), 'base64url').toString('utf8');
  const [pk, sk, ...rest] = decoded.split('|');
  if (!pk || !sk || rest.length > 0 || !sk.startsWith('EVENT#')) return undefined;
  return { pk, sk };
}

/**
 * The subjects that announce events: orders, anomalies, endpoints, refunds, settlements, payouts,
 * bank accounts, risk reviews, and an order's expiry reminder per lead time (`REMINDER#<id>#<min>`).
 */
const OUTBOX_SUBJECT =
  /^((ORDER|ANOMALY|ENDPOINT|REFUND|SETTLEMENT|PAYOUT|SELLER_BANK|RISK)#[^#]+|REMINDER#[^#]+#\d+)$/;
const OUTBOX_SORT_KEY = /^EVENT#\d{8}$/;

/**
 * Whether a stream item is shaped like an outbox event — its keys, not only its `entity` field,
 * which any writer could set. Defence in depth: only our transitions write such keys.
 */
export function isOutboxItem(item: Record<string, unknown>): boolean {
  return (
    item.entity === 'event' &&
    typeof item.pk === 'string' &&
    typeof item.sk === 'string' &&
    OUTBOX_SUBJECT.test(item.pk) &&
    OUTBOX_SORT_KEY.test(item.sk) &&
    item.eventId === eventIdFor(item.pk, item.sk)
  );
}

/** The item to put (with `attribute_not_exists(pk)`) next to the change it describes. */
export function outboxItem(
  subjectPk: string,
  sequence: number,
  type: EventType,
  occurredAt: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const sk = `EVENT#${String(sequence).padStart(8, '0')}`;
  const id = eventIdFor(subjectPk, sk);
  const sortKey = `${occurredAt}#${id}`;
  return {
    pk: subjectPk,
    sk,
    entity: 'event',
    eventId: id,
    type,
    occurredAt,
    data,
    gsi1pk: eventsByType(type, listBucketFor(id)),
    gsi1sk: sortKey,
    gsi2pk: allEvents(listBucketFor(id)),
    gsi2sk: sortKey,
  };
}

export function eventFromItem(item: Record<string, unknown>): OutboxEvent {
  return {
    id: String(item.eventId),
    type: item.type as EventType,
    timestamp: String(item.occurredAt),
    data: item.data as Record<string, unknown>,
  };
}
