/**
 * The outbox: every change that the marketplace must hear about writes an event item in the same
 * transaction as the change. The DynamoDB stream carries each new event item to the dispatcher
 * (EventBridge + outgoing webhooks); the items themselves are the replayable feed. This module is
 * the item's format and the writes that put it; the vocabulary (event types) is the model's,
 * model/event-types.ts.
 */

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxEventEntity } from '#contract/entities/outbox-event';
import type { EventType, OutboxEvent } from '#model/event-types';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { cancellationCodes, type TransactItem } from './transactions';

/** Event ids are the item's key, encoded: any id leads straight back to its item (redelivery). */
export function eventIdFor(pk: string, sk: string): string {
  return `evt_${Buffer.from(`${pk}|${sk}`, 'utf8').toString('base64url')}`;
}

export function eventKeyFromId(id: string): { pk: string; sk: string } | undefined {
  if (!id.startsWith('evt_')) return undefined;
  const decoded = Buffer.from(id.slice(4), 'base64url').toString('utf8');
  const [pk, sk, ...rest] = decoded.split('|');
  if (!pk || !sk || rest.length > 0 || !outboxEventEntity.isEventSortKey(sk)) return undefined;
  return { pk, sk };
}

/**
 * Whether a stream item is shaped like an outbox event — its keys, not only its `entity` field,
 * which any writer could set. Defence in depth: only our transitions write such keys.
 */
export function isOutboxItem(item: Record<string, unknown>): boolean {
  return (
    item.entity === 'event' &&
    typeof item.pk === 'string' &&
    typeof item.sk === 'string' &&
    outboxEventEntity.isEventKey(item.pk, item.sk) &&
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
  const id = eventIdFor(subjectPk, outboxEventEntity.key(subjectPk, sequence).sk);
  return {
    ...outboxEventEntity.itemKeys(subjectPk, sequence, id, type, occurredAt),
    entity: outboxEventEntity.name,
    eventId: id,
    type,
    occurredAt,
    data,
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

/** An event to write next to the change it describes: its subject's pk, its number there, what and when. */
export interface OutboxEventWrite {
  subject: string;
  sequence: number;
  type: EventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** The event's Put, for the change's transaction: written once, so a retried change never announces twice. */
export function outboxPut(event: OutboxEventWrite): Required<Pick<TransactItem, 'Put'>> {
  return {
    Put: {
      TableName: tableName(),
      Item: outboxItem(event.subject, event.sequence, event.type, event.occurredAt, event.data),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * A lifecycle change and the events that announce it (decision 94), for one transaction: the item,
 * put only if its status and version are still those read (or only if it is new, without
 * `previous`), then each event's Put. Orders, refunds and payouts change this one way.
 */
export function changeWithEvents(
  item: Record<string, unknown>,
  previous: { status: string; version: number } | undefined,
  events: readonly OutboxEventWrite[],
): TransactItem[] {
  const change: TransactItem = {
    Put: {
      TableName: tableName(),
      Item: item,
      ...(previous
        ? {
            ConditionExpression: '#status = :status AND #version = :version',
            ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
            ExpressionAttributeValues: { ':status': previous.status, ':version': previous.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
  return [change, ...events.map(outboxPut)];
}

/**
 * A conditional update of one item and the event it announces, committed together. False when a
 * condition failed (the update's, or the event already written); any other failure throws.
 */
export async function updateAnnouncing(
  update: Omit<NonNullable<TransactItem['Update']>, 'TableName'>,
  event: OutboxEventWrite,
): Promise<boolean> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [{ Update: { TableName: tableName(), ...update } }, outboxPut(event)],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}
