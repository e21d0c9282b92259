import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxItem } from '../events/outbox';
import type { Anomaly, AnomalyType } from '../payments/anomaly-schemas';
import { dynamo } from '../platform/aws';
import { config } from '../platform/config';
import { encodeCursor, queryPage } from './cursor';
import { ALL_ANOMALIES, anomaliesByType, keys } from './keys';
import { cancellationCodes } from './transactions';

/**
 * Anomaly ids are derived from what caused them, so recording the same anomaly twice (a
 * redelivered notification) overwrites one item instead of adding another.
 */
export async function recordAnomaly(anomaly: Anomaly): Promise<'recorded' | 'already_recorded'> {
  const TableName = config().TABLE_NAME;
  const sortKey = `${anomaly.detectedAt}#${anomaly.id}`;
  const key = keys.anomaly(anomaly.id);
  const guard = 'attribute_not_exists(pk)';
  return dynamo()
    .send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: {
                ...key,
                entity: 'anomaly',
                ...anomaly,
                gsi1pk: anomaliesByType(anomaly.type),
                gsi1sk: sortKey,
                gsi2pk: ALL_ANOMALIES,
                gsi2sk: sortKey,
              },
              // Keep the first detection of a repeated anomaly, and announce it once.
              ConditionExpression: guard,
            },
          },
          {
            Put: {
              TableName,
              Item: outboxItem(key.pk, 1, 'payment.anomaly', anomaly.detectedAt, { ...anomaly }),
              ConditionExpression: guard,
            },
          },
        ],
      }),
    )
    .then(() => 'recorded' as const)
    .catch((error: unknown) => {
      // Already recorded (and announced): a redelivered notification, or the PSP reporting the same
      // mismatched payment on every expiry pass. Anything else is a real failure.
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return 'already_recorded' as const;
      throw error;
    });
}

export async function listAnomalies(filter: { type?: AnomalyType; limit: number; cursor?: string }) {
  const byType = filter.type !== undefined;
  const page = await queryPage(
    {
      TableName: config().TABLE_NAME,
      IndexName: byType ? 'gsi1' : 'gsi2',
      KeyConditionExpression: byType ? 'gsi1pk = :pk' : 'gsi2pk = :pk',
      ExpressionAttributeValues: {
        ':pk': byType ? anomaliesByType(filter.type as AnomalyType) : ALL_ANOMALIES,
      },
      ScanIndexForward: false,
      Limit: filter.limit,
    },
    filter.cursor,
  );
  const items = (page.Items ?? []).map((item) => {
    const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...anomaly } = item;
    return anomaly as Anomaly;
  });
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}
