import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { buyerLinkEntity } from '#contract/entities/buyer-link';
import { cipEntity } from '#contract/entities/cip';
import { expiryReminderEntity } from '#contract/entities/expiry-reminder';
import { withoutKeys } from '#contract/entities/indexes';
import { ALL_LIST_BUCKETS } from '#contract/entities/key-parts';
import { orderEntity } from '#contract/entities/order';
import { paymentOptionEntity } from '#contract/entities/payment-option';
import { paymentRecordEntity } from '#contract/entities/payment-record';
import { referenceEntity } from '#contract/entities/reference';
import { riskReviewEntity } from '#contract/entities/risk-review';
import { sellerLinkEntity } from '#contract/entities/seller-link';
import { voucherPageEntity } from '#contract/entities/voucher-page';
import { EVENT_TYPE_BY_STATUS, type EventType } from '#model/event-types';
import type { Order, OrderStatus } from '#model/order';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleVersionError } from '#platform/optimistic';
import { encodeBucketCursor, encodeCursor, queryBuckets, queryPage } from './cursor';
import { throwIfClaimLost } from './idempotency-records';
import { changeWithEvents, type OutboxEventWrite, outboxPut } from './outbox';
import { buyerLinkPut, reviewQueuePut } from './risk-repository';
import { cancellationCodes, type TransactItem } from './transactions';

/** Thrown when the marketplace reference already belongs to an order. */
export class ReferenceTakenError extends Error {
  constructor(readonly existingOrderId: string | undefined) {
    super('reference already used');
    this.name = 'ReferenceTakenError';
  }
}

/** Thrown when an order changed between our read and our conditional write: someone else won. */
export class StaleOrderError extends StaleVersionError {
  constructor(readonly orderId: string) {
    super(`order ${orderId} changed concurrently`);
    this.name = 'StaleOrderError';
  }
}

/** Thrown when an extra item guarded by `attribute_not_exists` already exists (e.g. a payment record). */
export class DuplicateItemError extends Error {
  constructor(readonly index: number) {
    super('duplicate item');
    this.name = 'DuplicateItemError';
  }
}

/**
 * An order event's payload, as the use case presents it (the order as the API shows it): the
 * store writes it and never builds it, so it depends on no presenter.
 */
export type OrderEventData = Record<string, unknown>;

export function orderItem(order: Order): Record<string, unknown> {
  return { ...orderEntity.itemKeys(order), entity: orderEntity.name, ...order };
}

export const orderFromItem = (item: Record<string, unknown>) => withoutKeys<Order>(item);

/** The order's event for its current version; `data` is the order as the API shows it. */
function orderEvent(
  order: Order,
  data: OrderEventData,
  type: EventType = EVENT_TYPE_BY_STATUS[order.status],
): OutboxEventWrite {
  return {
    subject: orderEntity.partition(order.id),
    sequence: order.version,
    type,
    occurredAt: order.updatedAt,
    data,
  };
}

/**
 * Writes a new order with its reference and CIP uniqueness items, its seller links and its first
 * event (the outbox) in one transaction: all of it exists, or none of it. `extraItems` ride along
 * (the request's idempotency record, completed: decision 71).
 */
export async function insertOrder(
  order: Order,
  eventData: OrderEventData,
  extraItems: TransactItem[] = [],
): Promise<void> {
  const TableName = tableName();
  const guard = 'attribute_not_exists(pk)';
  const items: TransactItem[] = [
    { Put: { TableName, Item: orderItem(order), ConditionExpression: guard } },
    {
      Put: {
        TableName,
        Item: { ...referenceEntity.key(order.reference), entity: referenceEntity.name, orderId: order.id },
        ConditionExpression: guard,
      },
    },
    {
      Put: {
        TableName,
        Item: { ...cipEntity.key(order.voucher.cip), entity: cipEntity.name, orderId: order.id },
        ConditionExpression: guard,
      },
    },
    // Wallet options: their notifications and the sandbox name the option id.
    ...(order.paymentOptions ?? [])
      .filter((option) => option.providerRef !== undefined)
      .map((option) => paymentOptionPut(option.id, order.id)),
    // The buyer's voucher page finds its order by its token (orders from before pages have none).
    ...(order.voucher.pageToken === undefined
      ? []
      : [
          {
            Put: {
              TableName,
              Item: {
                ...voucherPageEntity.key(order.voucher.pageToken),
                entity: voucherPageEntity.name,
                orderId: order.id,
              },
              ConditionExpression: guard,
            },
          },
        ]),
    outboxPut(orderEvent(order, eventData)),
    // A buyer's orders are listed by document number (open vouchers, support): a link, no scan.
    buyerLinkPut(order),
    // A flagged order waits for review, and says so.
    ...(order.risk?.decision === 'flagged'
      ? [
          reviewQueuePut(order),
          outboxPut({
            subject: riskReviewEntity.flaggedSubject(order.id),
            sequence: 1,
            type: 'order.flagged',
            occurredAt: order.createdAt,
            data: eventData,
          }),
        ]
      : []),
    ...order.splits.map(
      (split): TransactItem => ({
        Put: {
          TableName,
          Item: {
            ...sellerLinkEntity.key(split.sellerId, order.createdAt, order.id),
            entity: sellerLinkEntity.name,
            orderId: order.id,
          },
        },
      }),
    ),
    ...extraItems,
  ];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    throwIfClaimLost(error, items);
    const codes = cancellationCodes(error);
    if (codes?.[1] === 'ConditionalCheckFailed') {
      throw new ReferenceTakenError(await findOrderIdByReference(order.reference));
    }
    throw error;
  }
}

/**
 * Persists `next` in place of `previous` only if nobody changed the order since it was read
 * (status and version both match), and appends the transition's event in the same transaction.
 * `extraItems` ride along (e.g. the payment's dedupe record); a failed guard on one of them is
 * reported as DuplicateItemError with its index.
 */
export async function saveTransition(
  previous: Order,
  next: Order,
  /** The event's payload: the order as the API shows it (the use case presents it, orders/present.ts). */
  eventData: OrderEventData,
  extraItems: TransactItem[] = [],
  /** A status change announces its status; a change that keeps the status names its own type. */
  eventType: EventType = EVENT_TYPE_BY_STATUS[next.status],
): Promise<void> {
  const items: TransactItem[] = [...transitionWrites(previous, next, eventData, eventType), ...extraItems];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    // An Idempotency-Key's completion riding along whose claim was taken over: 409, not a stale read.
    throwIfClaimLost(error, items);
    const codes = cancellationCodes(error);
    if (codes === undefined) throw error;
    if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') {
      throw new StaleOrderError(previous.id);
    }
    const extraIndex = codes.slice(2).indexOf('ConditionalCheckFailed');
    if (extraIndex >= 0) throw new DuplicateItemError(extraIndex);
    throw error;
  }
}

/**
 * The two writes of a transition: the order, conditional on the status and version read, and
 * its event. For transactions that another entity owns (a refund paid out in full), so the order
 * is written the one way it always is.
 */
export function transitionWrites(
  previous: Order,
  next: Order,
  eventData: OrderEventData,
  eventType: EventType = EVENT_TYPE_BY_STATUS[next.status],
): TransactItem[] {
  return changeWithEvents(orderItem(next), previous, [orderEvent(next, eventData, eventType)]);
}

/** A condition that the order is still at the version read, for transactions that do not write it. */
export function orderVersionCheck(order: Order): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: orderEntity.key(order.id),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': order.version },
    },
  };
}

/**
 * The (cip, operationNumber) record that makes applying a payment idempotent; it rides in the
 * transition's transaction and fails it (DuplicateItemError) if the payment was applied before.
 */
export function paymentRecordPut(
  cip: string,
  operationNumber: string,
  orderId: string,
  appliedAt: string,
  source: string,
): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...paymentRecordEntity.key(cip, operationNumber),
        entity: paymentRecordEntity.name,
        orderId,
        appliedAt,
        source,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Fills in the operation number of a payment first seen by polling (the PSP's search omits it),
 * when its notification arrives. Not a transition: the status and version stay, and no event is
 * written. Conditional on the version read and on the number still being unknown, with the
 * payment record so later copies of that notification dedupe on it. False = lost a race: re-read.
 */
export async function recordOperationNumber(
  order: Order,
  cip: string,
  operationNumber: string,
  at: string,
  /** False when the payment record is there already: the number was recorded once and lost since. */
  withRecord = true,
): Promise<boolean> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: orderEntity.key(order.id),
              UpdateExpression: 'SET #payment.operationNumber = :operationNumber',
              ConditionExpression: '#version = :version AND attribute_type(#payment.operationNumber, :null)',
              ExpressionAttributeNames: { '#payment': 'payment', '#version': 'version' },
              ExpressionAttributeValues: {
                ':operationNumber': operationNumber,
                ':version': order.version,
                ':null': 'NULL',
              },
            },
          },
          ...(withRecord ? [paymentRecordPut(cip, operationNumber, order.id, at, 'webhook')] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    const codes = cancellationCodes(error);
    // The order took the number, but the payment's record has it already: a transition that read
    // the order before the first recording wrote the number away again (the order's version does
    // not move here). Recording it on the order alone ends what would otherwise fail every
    // redelivery until the DLQ (outside test 12).
    if (withRecord && codes?.[0] === 'None' && codes[1] === 'ConditionalCheckFailed') {
      return recordOperationNumber(order, cip, operationNumber, at, false);
    }
    if (codes !== undefined) return false;
    throw error;
  }
}

export async function getOrder(id: string, consistent = false): Promise<Order | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: orderEntity.key(id), ConsistentRead: consistent }),
  );
  return result.Item ? orderFromItem(result.Item) : undefined;
}

async function pointerTarget(key: { pk: string; sk: string }): Promise<string | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  const orderId = result.Item?.orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}

export function findOrderIdByReference(reference: string): Promise<string | undefined> {
  return pointerTarget(referenceEntity.key(reference));
}

/** A wallet option's id → its order, guarded so an option id is never reused. */
export function paymentOptionPut(optionId: string, orderId: string): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...paymentOptionEntity.key(optionId), entity: paymentOptionEntity.name, orderId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function findOrderIdByPaymentOption(optionId: string): Promise<string | undefined> {
  return pointerTarget(paymentOptionEntity.key(optionId));
}

export function findOrderIdByCip(cip: string): Promise<string | undefined> {
  return pointerTarget(cipEntity.key(cip));
}

export async function getOrderByCip(cip: string): Promise<Order | undefined> {
  const orderId = await findOrderIdByCip(cip);
  return orderId === undefined ? undefined : getOrder(orderId, true);
}

/**
 * The order behind a voucher page token. Eventually consistent reads: the page is polled, and a
 * status a second old is fine there (half the read cost of the API's consistent reads).
 */
export async function getOrderByVoucherPageToken(token: string): Promise<Order | undefined> {
  const pointer = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: voucherPageEntity.key(token) }),
  );
  const orderId = pointer.Item?.orderId;
  return typeof orderId === 'string' ? getOrder(orderId) : undefined;
}

/**
 * Writes the order's `order.expiring_soon` event for one lead time unless it was written before
 * (its subject key is the "sent" mark): true if this call wrote it. The outbox delivers it.
 */
export async function recordExpiryReminder(
  order: Order,
  eventData: OrderEventData,
  leadMinutes: number,
  at: string,
): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand(
        outboxPut({
          subject: expiryReminderEntity.subject(order.id, leadMinutes),
          sequence: 1,
          type: 'order.expiring_soon',
          occurredAt: at,
          data: eventData,
        }).Put,
      ),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

export interface ListOrdersFilter {
  reference?: string;
  buyerDocumentNumber?: string;
  status?: OrderStatus;
  sellerId?: string;
  limit: number;
  cursor?: string;
}

/**
 * Newest first. By reference: the uniqueness item points at the one order (other filters then
 * apply to it). By seller: the seller's link items, then the orders themselves (a status filter
 * is applied to that page, so it may hold fewer than `limit`). By status, or all of them, each a bucketed listing.
 */
export async function listOrders(filter: ListOrdersFilter): Promise<OrderPage> {
  if (filter.reference !== undefined) {
    const orderId = await findOrderIdByReference(filter.reference);
    const order = orderId === undefined ? undefined : await getOrder(orderId, true);
    const matches =
      order !== undefined &&
      (filter.status === undefined || order.status === filter.status) &&
      (filter.sellerId === undefined || order.splits.some((split) => split.sellerId === filter.sellerId));
    return { items: matches ? [order] : [], nextCursor: null };
  }
  const TableName = tableName();
  if (filter.buyerDocumentNumber !== undefined) {
    // The buyer's links (hashed document number), then the orders; other filters apply to the page.
    const links = await queryPage(
      {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': buyerLinkEntity.partition(filter.buyerDocumentNumber),
          ':prefix': buyerLinkEntity.sortPrefix,
        },
        ScanIndexForward: false,
        Limit: filter.limit,
      },
      filter.cursor,
    );
    const orders = await batchGetOrders((links.Items ?? []).map((item) => String(item.orderId)));
    return {
      items: orders.filter(
        (order) =>
          (filter.status === undefined || order.status === filter.status) &&
          (filter.sellerId === undefined || order.splits.some((split) => split.sellerId === filter.sellerId)),
      ),
      nextCursor: encodeCursor(links.LastEvaluatedKey),
    };
  }
  if (filter.sellerId !== undefined) {
    const links = await queryPage(
      {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': sellerLinkEntity.partition(filter.sellerId),
          ':prefix': sellerLinkEntity.sortPrefix,
        },
        ScanIndexForward: false,
        Limit: filter.limit,
      },
      filter.cursor,
    );
    const orderIds = (links.Items ?? []).map((item) => String(item.orderId));
    const orders = await batchGetOrders(orderIds);
    return {
      items: orders.filter((order) => filter.status === undefined || order.status === filter.status),
      nextCursor: encodeCursor(links.LastEvaluatedKey),
    };
  }
  const status = filter.status;
  const page = await queryBuckets({
    ...(status !== undefined
      ? {
          index: orderEntity.indexes.byStatus,
          partitions: ALL_LIST_BUCKETS.map((bucket) => orderEntity.byStatus(status, bucket)),
          listing: `orders:status:${status}`,
        }
      : {
          index: orderEntity.indexes.all,
          partitions: ALL_LIST_BUCKETS.map(orderEntity.all),
          listing: 'orders',
        }),
    ascending: false,
    limit: filter.limit,
    cursor: filter.cursor,
  });
  return {
    items: page.items.map(orderFromItem),
    nextCursor: page.hasMore
      ? encodeBucketCursor(status ? `orders:status:${status}` : 'orders', page.lastSortKey)
      : null,
  };
}

export async function batchGetOrders(orderIds: string[]): Promise<Order[]> {
  if (orderIds.length === 0) return [];
  const TableName = tableName();
  const found = new Map<string, Order>();
  let pending: Record<string, unknown>[] = orderIds.map((id) => orderEntity.key(id));
  // BatchGet may return UnprocessedKeys under throttling; ask again for those only (bounded).
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    const result = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending } } }),
    );
    for (const item of result.Responses?.[TableName] ?? []) {
      const order = orderFromItem(item);
      found.set(order.id, order);
    }
    pending = (result.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  return orderIds.flatMap((id) => {
    const order = found.get(id);
    return order ? [order] : [];
  });
}
