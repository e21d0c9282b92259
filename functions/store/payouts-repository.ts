import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '#contract/entities/indexes';
import { payoutEntity } from '#contract/entities/payout';
import { sellerLedgerLineEntity } from '#contract/entities/seller-ledger-line';
import type { EventType } from '#model/event-types';
import type { Payout, PayoutStatus } from '#model/payout';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleVersionError } from '#platform/optimistic';
import { listIndexPartition } from './cursor';
import { throwIfClaimLost } from './idempotency-records';
import { changeWithEvents } from './outbox';
import { cancellationCodes, type TransactItem } from './transactions';

/** A payout as stored: the seller-ledger range it pays (its items are read from there on demand). */
export interface StoredPayout extends Omit<Payout, 'items' | 'bankAccount'> {
  /** Seller ledger sort keys: the lines after `itemsAfter` up to `itemsThrough` are what it pays. */
  itemsAfter: string;
  itemsThrough: string;
}

const table = () => tableName();

function payoutItem(payout: StoredPayout): Record<string, unknown> {
  // Payouts are few (one per seller per period): a partition per status is no hot spot.
  return { ...payout, ...payoutEntity.itemKeys(payout), entity: payoutEntity.name };
}

const fromItem = (item: Record<string, unknown>) => withoutKeys<StoredPayout>(item);

export class StalePayoutError extends StaleVersionError {
  constructor(readonly codes: (string | undefined)[]) {
    super('the payout, the balance or the bank account changed meanwhile');
    this.name = 'StalePayoutError';
  }
}

/** Writes a payout's new state (conditional on the version read, or new), its event, and `extra`. */
export async function savePayout(
  previous: StoredPayout | undefined,
  next: StoredPayout,
  type: EventType,
  data: Record<string, unknown>,
  extra: TransactItem[],
): Promise<void> {
  const items: TransactItem[] = [
    ...changeWithEvents(payoutItem(next), previous, [
      {
        subject: payoutEntity.key(next.id).pk,
        sequence: next.version,
        type,
        occurredAt: next.updatedAt,
        data,
      },
    ]),
    ...extra,
  ];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    throwIfClaimLost(error, items);
    const codes = cancellationCodes(error);
    if (codes?.includes('ConditionalCheckFailed')) throw new StalePayoutError(codes);
    throw error;
  }
}

export async function getPayout(id: string): Promise<StoredPayout | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table(), Key: payoutEntity.key(id), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

/** Newest first, by seller (optionally one status) or by status. */
export async function listPayouts(filter: {
  sellerId?: string;
  status?: PayoutStatus;
  limit: number;
  cursor?: string;
}) {
  const page = await listIndexPartition({
    index: filter.sellerId ? payoutEntity.indexes.bySeller : payoutEntity.indexes.byStatus,
    partition: filter.sellerId
      ? payoutEntity.bySeller(filter.sellerId)
      : payoutEntity.byStatus(filter.status as PayoutStatus),
    limit: filter.limit,
    cursor: filter.cursor,
    from: fromItem,
  });
  return {
    items: page.items.filter((payout) => filter.status === undefined || payout.status === filter.status),
    nextCursor: page.nextCursor,
  };
}

/** The seller ledger lines a payout pays: after its `itemsAfter`, through its `itemsThrough`. */
export async function payoutLines(payout: StoredPayout) {
  const lines: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :through',
        ExpressionAttributeValues: {
          ':pk': sellerLedgerLineEntity.partition(payout.sellerId),
          ':after': `${payout.itemsAfter}\u0000`,
          ':through': payout.itemsThrough,
        },
        ExclusiveStartKey: startKey,
      }),
    );
    lines.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey !== undefined && lines.length < 5_000);
  return lines
    .filter((line) => line.currency === payout.currency && line.bucket === 'available')
    .map((line) => ({
      entryId: String(line.entryId),
      at: String(line.at),
      reason: String(line.reason),
      amount: Number(line.amount),
      ...(line.orderId ? { orderId: String(line.orderId) } : {}),
      ...(line.refundId ? { refundId: String(line.refundId) } : {}),
    }));
}
