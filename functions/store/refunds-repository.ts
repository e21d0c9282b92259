import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '#contract/entities/indexes';
import { orderEntity } from '#contract/entities/order';
import { providerRefundEntity } from '#contract/entities/provider-refund';
import { refundEntity } from '#contract/entities/refund';
import { refundDayEntity } from '#contract/entities/refund-day';
import type { EventType } from '#model/event-types';
import type { Order } from '#model/order';
import type { Refund, RefundStatus } from '#model/refund';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleVersionError } from '#platform/optimistic';
import { encodeCursor, fetchFullItems, indexQuery, queryPage } from './cursor';
import { throwIfClaimLost } from './idempotency-records';
import { changeWithEvents } from './outbox';
import { cancellationCodes, type TransactItem } from './transactions';

/** A refund as stored: the full CCI (the transfer needs it); answers mask it (refunds/present). */
export interface StoredRefund extends Omit<Refund, 'destination'> {
  destination: Refund['destination'];
  /** Set when the stage's provider pays the refund itself (dLocal): its refund id there. */
  providerRefund?: { provider: string; id: string };
  /**
   * When the provider was (last) asked to pay it: set just before the call, so a person's
   * mark-failed cannot free money the provider may be paying out (decision 134).
   */
  providerCallAt?: string;
}

const refundKey = refundEntity.key;
const byStatus = (status: RefundStatus) => refundEntity.byStatus(status);

function refundItem(refund: StoredRefund): Record<string, unknown> {
  // Refunds are few (people request them): one partition per status is no hot spot.
  return { ...refund, ...refundEntity.itemKeys(refund), entity: refundEntity.name };
}

const refundFromItem = (item: Record<string, unknown>) => withoutKeys<StoredRefund>(item);

const refundEvent = (event: { type: EventType; refund: StoredRefund; data: Record<string, unknown> }) => ({
  subject: refundKey(event.refund.id).pk,
  sequence: event.refund.version,
  type: event.type,
  occurredAt: event.refund.updatedAt,
  data: event.data,
});

/** A condition that a refund is still at the version read, for transactions that depend on it. */
export function refundVersionCheck(refund: { id: string; version: number }): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: refundKey(refund.id),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': refund.version },
    },
  };
}

/** Thrown when the order or the refund changed between read and write: re-read and decide again. */
export class StaleRefundError extends StaleVersionError {
  constructor() {
    super('changed meanwhile');
    this.name = 'StaleRefundError';
  }
}

/**
 * The order's refund bookkeeping, conditional on the version read (like every order write), so
 * two requests racing for the last refundable amount cannot both win.
 */
export function orderRefundUpdate(
  order: Order,
  next: Pick<Order, 'refundReserved' | 'refundedAmount' | 'refunds' | 'updatedAt'>,
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: orderEntity.key(order.id),
      UpdateExpression:
        'SET refundReserved = :reserved, refundedAmount = :refunded, refunds = :refunds, updatedAt = :at, version = :next',
      ConditionExpression: 'version = :version AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':reserved': next.refundReserved ?? 0,
        ':refunded': next.refundedAmount ?? 0,
        ':refunds': next.refunds ?? [],
        ':at': next.updatedAt,
        ':next': order.version + 1,
        ':version': order.version,
        ':status': order.status,
      },
    },
  };
}

/**
 * Lists a refund of an anomaly's money on its order, conditional on the version read: the order's
 * refunds and its anomalies' refunds are one maker-checker total, and a refund of either changing
 * the order makes a racing request of the other re-read it.
 */
export function orderAnomalyRefundUpdate(
  order: Order,
  refund: { id: string; amount: number },
  at: string,
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: orderEntity.key(order.id),
      UpdateExpression:
        'SET anomalyRefunds = list_append(if_not_exists(anomalyRefunds, :none), :refund), updatedAt = :at, version = :next',
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: {
        ':none': [],
        ':refund': [{ id: refund.id, amount: refund.amount }],
        ':at': at,
        ':next': order.version + 1,
        ':version': order.version,
      },
    },
  };
}

/**
 * Writes a refund's new state: the refund (conditional on the version read, or new), one event per
 * status it reached (`events`, in order: a refund approved at creation announces both), plus the
 * order's bookkeeping and the ledger's entries given by the caller — all or nothing.
 */
export async function saveRefund(
  previous: StoredRefund | undefined,
  next: StoredRefund,
  events: { type: EventType; refund: StoredRefund; data: Record<string, unknown> }[],
  extraItems: TransactItem[],
): Promise<void> {
  const items: TransactItem[] = [
    ...changeWithEvents(refundItem(next), previous, events.map(refundEvent)),
    ...extraItems,
  ];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    throwIfClaimLost(error, items);
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw new StaleRefundError();
    throw error;
  }
}

export async function getRefund(id: string): Promise<StoredRefund | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: refundKey(id), ConsistentRead: true }),
  );
  return result.Item ? refundFromItem(result.Item) : undefined;
}

/** What `requesterId` had approved at once on `limaDay` in `currency` (0 when nothing yet). */
export async function getApprovedAtOnce(
  requesterId: string,
  limaDay: string,
  currency: string,
): Promise<number> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: refundDayEntity.key(requesterId, limaDay, currency),
      ConsistentRead: true,
    }),
  );
  return Number(result.Item?.approvedAtOnce ?? 0);
}

/**
 * Adds a refund approved at once to its requester's day, conditional on the total read: two
 * requests racing past the cap cannot both be approved at once (the loser re-reads, decision 75).
 */
export function approvedAtOnceUpdate(
  day: { requesterId: string; limaDay: string; currency: string },
  previous: number,
  next: number,
  ttlSeconds: number,
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: refundDayEntity.key(day.requesterId, day.limaDay, day.currency),
      UpdateExpression: 'SET approvedAtOnce = :next, entity = :entity, #ttl = :ttl',
      ConditionExpression:
        previous === 0
          ? 'attribute_not_exists(approvedAtOnce) OR approvedAtOnce = :previous'
          : 'approvedAtOnce = :previous',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':next': next,
        ':previous': previous,
        ':entity': refundDayEntity.name,
        ':ttl': ttlSeconds,
      },
    },
  };
}

/** Several refunds by id (an order's: `order.refunds`), consistent reads, in the order given; unknown ids left out. */
export async function getRefunds(ids: readonly string[]): Promise<StoredRefund[]> {
  const refunds = await Promise.all(ids.map((id) => getRefund(id)));
  return refunds.flatMap((refund) => (refund ? [refund] : []));
}

/**
 * A provider-run refund (dLocal) was requested at the provider: the refund remembers the
 * provider's id, and a pointer finds the refund from the id the provider's notification carries.
 * Both in one transaction, and only while the refund is still APPROVED.
 */
export async function recordProviderRefund(
  refundId: string,
  provider: string,
  providerRefundId: string,
): Promise<void> {
  const TableName = tableName();
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName,
            Item: {
              ...providerRefundEntity.key(provider, providerRefundId),
              entity: providerRefundEntity.name,
              refundId,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName,
            Key: refundKey(refundId),
            UpdateExpression: 'SET providerRefund = :providerRefund',
            ConditionExpression: '#status = :approved',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':providerRefund': { provider, id: providerRefundId },
              ':approved': 'APPROVED',
            },
          },
        },
      ],
    }),
  );
}

/**
 * Notes, before the provider is asked to pay `refund`, that it is being asked: conditional on the
 * refund still being APPROVED at the version read, and a new version, so a step computed from an
 * earlier read (a person's mark-failed racing the approval) fails and reads again. The refund as
 * noted, or undefined when it moved meanwhile (then the provider must not be asked).
 */
export async function beginProviderCall(refund: StoredRefund, at: string): Promise<StoredRefund | undefined> {
  const version = refund.version + 1;
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: refundKey(refund.id),
        UpdateExpression: 'SET providerCallAt = :at, #version = :next',
        ConditionExpression: '#status = :approved AND #version = :read',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: {
          ':at': at,
          ':next': version,
          ':read': refund.version,
          ':approved': 'APPROVED',
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
  return { ...refund, providerCallAt: at, version };
}

/** The provider answered that it paid nothing (a refusal): a person may mark the refund failed again. */
export async function endProviderCall(refundId: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: refundKey(refundId),
        UpdateExpression: 'REMOVE providerCallAt',
        ConditionExpression: '#status = :approved',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':approved': 'APPROVED' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function findRefundIdByProviderRefund(
  provider: string,
  providerRefundId: string,
): Promise<string | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: providerRefundEntity.key(provider, providerRefundId),
      ConsistentRead: true,
    }),
  );
  return typeof result.Item?.refundId === 'string' ? result.Item.refundId : undefined;
}

/** Newest first: by order or by status; neither = every status, merged. */
export async function listRefunds(filter: {
  status?: RefundStatus;
  orderId?: string;
  limit: number;
  cursor?: string;
}) {
  const useOrder = filter.orderId !== undefined;
  if (!useOrder && filter.status === undefined) {
    throw new Error('listRefunds needs a status or an order');
  }
  const page = await queryPage(
    {
      ...(useOrder
        ? indexQuery(refundEntity.indexes.byOrder, refundEntity.byOrder(filter.orderId as string))
        : indexQuery(refundEntity.indexes.byStatus, byStatus(filter.status as RefundStatus))),
      ScanIndexForward: false,
      Limit: filter.limit,
    },
    filter.cursor,
  );
  const items = (await fetchFullItems(page.Items ?? []))
    .map(refundFromItem)
    .filter((refund) => filter.status === undefined || refund.status === filter.status);
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/** How many refunds have waited APPROVED since before `before` (a count read of one index partition). */
export async function countApprovedSince(before: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const query = indexQuery(refundEntity.indexes.byStatus, byStatus('APPROVED'), '#sk < :before');
    const page = await dynamo().send(
      new QueryCommand({
        ...query,
        ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':before': before },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}
