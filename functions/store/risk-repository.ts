import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buyerLinkEntity } from '#contract/entities/buyer-link';
import { riskCounterEntity } from '#contract/entities/risk-counter';
import { riskReviewEntity } from '#contract/entities/risk-review';
import type { Currency } from '#model/money';
import type { Order } from '#model/order';
import type { RiskRule } from '#model/risk-rules';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { LIMA_OFFSET_MS } from '#platform/lima-time';
import { listIndexPartition } from './cursor';
import type { TransactItem } from './transactions';

const table = () => tableName();

/**
 * Counts this order towards a windowed rule: one item per rule, value and fixed window, moved by
 * atomic ADD (race-safe: concurrent orders each see the total including themselves) and expired
 * by TTL two windows later. The count is of orders in any currency, the amount per currency (its
 * own attribute, `amount_PEN` / `amount_USD`). Returns the totals including this order: the count,
 * and the amount in this order's currency.
 */
export async function countTowards(
  rule: RiskRule,
  value: string,
  amount: number,
  currency: Currency,
  nowMs: number,
): Promise<{ count: number; amount: number }> {
  const windowMs = rule.window * 60_000;
  // Aligned to Lima's clock, as every daily limit here is: a 24 h window is a Lima day, not one
  // that turns at 19:00 Lima (UTC midnight; outside test 11).
  const index = Math.floor((nowMs + LIMA_OFFSET_MS) / windowMs);
  const amountAttribute = `amount_${currency}`;
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: riskCounterEntity.key(rule.id, value, index),
      UpdateExpression: 'ADD #count :one, #amount :amount SET #ttl = :ttl, entity = :entity',
      ExpressionAttributeNames: { '#count': 'count', '#amount': amountAttribute, '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':amount': amount,
        ':ttl': Math.ceil(((index + 2) * windowMs - LIMA_OFFSET_MS) / 1000),
        ':entity': riskCounterEntity.name,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return {
    count: Number(result.Attributes?.count ?? 1),
    amount: Number(result.Attributes?.[amountAttribute] ?? amount),
  };
}

/** The link that lists a buyer's orders (by document number, hashed): written with the order. */
export function buyerLinkPut(order: Order): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: {
        ...buyerLinkEntity.key(order.buyer.documentNumber, order.createdAt, order.id),
        entity: buyerLinkEntity.name,
        orderId: order.id,
      },
    },
  };
}

/** The ids of a buyer's orders created since `since`, newest first (their links: no scan). */
export async function buyerOrderIdsSince(
  documentNumber: string,
  since: string,
  limit = 50,
): Promise<string[]> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk > :since',
      ExpressionAttributeValues: {
        ':pk': buyerLinkEntity.partition(documentNumber),
        ':since': buyerLinkEntity.since(since),
      },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => String(item.orderId));
}

/** A flagged order waits in the review queue (the open reviews' listing) until someone decides. */
export function reviewQueuePut(order: Order): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: {
        ...riskReviewEntity.key(order.id),
        ...riskReviewEntity.openKeys(order.id, order.createdAt),
        entity: riskReviewEntity.name,
        orderId: order.id,
        status: 'open',
      },
    },
  };
}

const openIndex = riskReviewEntity.indexes.open;

/** Leaves the queue (kept for audit, off the open listing). */
export function reviewQueueClose(orderId: string, decision: string, at: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: riskReviewEntity.key(orderId),
      UpdateExpression: `SET #status = :decision, decidedAt = :at REMOVE ${openIndex.partitionKey}, ${openIndex.sortKey}`,
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':decision': decision, ':at': at, ':open': 'open' },
    },
  };
}

/** The ids of flagged orders awaiting review, oldest first (the caller fetches the orders). */
export async function openReviewOrderIds(limit: number, cursor?: string) {
  const page = await listIndexPartition({
    index: riskReviewEntity.indexes.open,
    partition: riskReviewEntity.open,
    limit,
    cursor,
    ascending: true,
    from: (item) => String(item.orderId),
  });
  return { orderIds: page.items, nextCursor: page.nextCursor };
}
