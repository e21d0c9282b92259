import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { anomalyEntity } from '#contract/entities/anomaly';
import { withoutKeys } from '#contract/entities/indexes';
import { type Anomaly, type AnomalyType, contestIdsOf, withNotificationId } from '#model/anomaly';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { encodeCursor, fetchFullItems, indexQuery, queryPage } from './cursor';
import { outboxPut } from './outbox';
import { cancellationCodes, type TransactItem } from './transactions';

/**
 * Anomaly ids are derived from what caused them, so recording the same anomaly twice (a
 * redelivered notification) overwrites one item instead of adding another.
 */
export async function recordAnomaly(
  anomaly: Anomaly,
  /** The ledger's booking of the anomaly's cash, in the same transaction (store/ledger-repository). */
  booking: TransactItem[] = [],
): Promise<'recorded' | 'already_recorded'> {
  const TableName = tableName();
  const key = anomalyEntity.key(anomaly.id);
  const guard = 'attribute_not_exists(pk)';
  return dynamo()
    .send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: {
                ...anomalyEntity.itemKeys(anomaly),
                entity: anomalyEntity.name,
                ...anomaly,
                // What a refund naming it may draw on (decision 137): booked with it, or nothing.
                heldInSuspense: booking.length > 0,
              },
              // Keep the first detection of a repeated anomaly, and announce it once.
              ConditionExpression: guard,
            },
          },
          outboxPut({
            subject: key.pk,
            sequence: 1,
            type: 'payment.anomaly',
            occurredAt: anomaly.detectedAt,
            data: { ...anomaly, heldInSuspense: booking.length > 0 },
          }),
          ...booking,
        ],
      }),
    )
    .then(() => 'recorded' as const)
    .catch((error: unknown) => {
      // Already recorded (and announced): a redelivered notification, or the PSP reporting the same
      // mismatched payment on every expiry pass. Anything else is a real failure.
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'already_recorded' as const;
      // The cash was booked already under another anomaly of the same payment (seen by polling,
      // then by its notification): record this one without booking it twice.
      if (booking.length > 0 && codes?.[2] === 'ConditionalCheckFailed') return recordAnomaly(anomaly, []);
      throw error;
    });
}

const anomalyFromItem = (item: Record<string, unknown>) => withNotificationId(withoutKeys<Anomaly>(item));

/**
 * Newest first, by type or all. `status` filters the page read (anomalies are few,
 * and most stay open until someone acts), so a filtered page may hold fewer than `limit`.
 */
export async function listAnomalies(filter: {
  type?: AnomalyType;
  status?: 'open' | 'resolved';
  limit: number;
  cursor?: string;
}) {
  const byType = filter.type !== undefined;
  const page = await queryPage(
    {
      ...(byType
        ? indexQuery(anomalyEntity.indexes.byType, anomalyEntity.byType(filter.type as AnomalyType))
        : indexQuery(anomalyEntity.indexes.all, anomalyEntity.all)),

      ScanIndexForward: false,
      Limit: filter.limit,
    },
    filter.cursor,
  );
  // The index holds keys only: the status filter applies to the items themselves.
  const items = (await fetchFullItems(page.Items ?? []))
    .filter(
      (item) => filter.status === undefined || (filter.status === 'open') === (item.resolvedAt === undefined),
    )
    .map(anomalyFromItem);
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

export class AnomalyAlreadyResolvedError extends Error {
  constructor(readonly anomaly: Anomaly) {
    super(`anomaly ${anomaly.id} already resolved`);
    this.name = 'AnomalyAlreadyResolvedError';
  }
}

/**
 * Closes an anomaly once, recording when, by which API key and what was done; the first
 * resolution stands (a second one raises AnomalyAlreadyResolvedError with the anomaly as it is).
 * Undefined when there is no such anomaly.
 */
export async function resolveAnomaly(
  id: string,
  resolution: { resolvedBy: string; resolution: string; at: Date },
): Promise<Anomaly | undefined> {
  const key = anomalyEntity.key(id);
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET resolvedAt = :at, resolvedBy = :by, resolution = :resolution',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resolvedAt)',
        ExpressionAttributeValues: {
          ':at': resolution.at.toISOString(),
          ':by': resolution.resolvedBy,
          ':resolution': resolution.resolution,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return result.Attributes ? anomalyFromItem(result.Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      if (error.Item === undefined) return undefined;
      throw new AnomalyAlreadyResolvedError(anomalyFromItem(unmarshall(error.Item)));
    }
    throw error;
  }
}

/**
 * The contest of an order's payment still open, if any, given the latest one the order names. One
 * operation may be contested on its amount and on its currency (two notifications, two anomalies;
 * the order keeps the latest), and each holds the goods until a person resolves it (outside test 12).
 */
export async function openPaymentContest(latestAnomalyId: string): Promise<Anomaly | undefined> {
  const contests = await Promise.all(contestIdsOf(latestAnomalyId).map((id) => getAnomaly(id)));
  return contests.find((anomaly) => anomaly !== undefined && anomaly.resolvedAt === undefined);
}

export async function getAnomaly(id: string): Promise<(Anomaly & { refundReserved?: number }) | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: anomalyEntity.key(id), ConsistentRead: true }),
  );
  return result.Item ? (anomalyFromItem(result.Item) as Anomaly & { refundReserved?: number }) : undefined;
}

/**
 * How much of an anomaly's money is being refunded, conditional on the amount read: two refunds
 * racing for the same duplicate payment cannot both take it.
 */
export function anomalyRefundUpdate(
  id: string,
  previous: number,
  next: number,
  /** The refund that reserves it: the anomaly names it (the latest one requested). */
  refundId?: string,
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: anomalyEntity.key(id),
      UpdateExpression: refundId
        ? 'SET refundReserved = :next, refundId = :refund'
        : 'SET refundReserved = :next',
      ConditionExpression:
        previous === 0
          ? 'attribute_not_exists(refundReserved) OR refundReserved = :previous'
          : 'refundReserved = :previous',
      ExpressionAttributeValues: {
        ':next': next,
        ':previous': previous,
        ...(refundId ? { ':refund': refundId } : {}),
      },
    },
  };
}

/**
 * An anomaly whose money a refund paid back is resolved by that refund, in the refund's own
 * transaction; one a person resolved already keeps that resolution (and the refund still moves).
 */
export function anomalyResolvedByRefundUpdate(
  id: string,
  resolution: { resolvedBy: string; resolution: string; at: string },
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: anomalyEntity.key(id),
      UpdateExpression:
        'SET resolvedAt = if_not_exists(resolvedAt, :at), resolvedBy = if_not_exists(resolvedBy, :by), ' +
        'resolution = if_not_exists(resolution, :resolution)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':at': resolution.at,
        ':by': resolution.resolvedBy,
        ':resolution': resolution.resolution,
      },
    },
  };
}
