import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { rawNotificationEntity } from '#contract/entities/raw-notification';
import { dynamo } from '#platform/aws';

export interface RawNotification {
  /** SHA-256 of the body: a redelivered notification lands on the same item. */
  notificationId: string;
  provider: string;
  receivedAt: string;
  signature: string | undefined;
  rawBodyBase64: string;
}

/** Keeps a PSP notification's body as received, for audit, until `expiresAtSeconds` (TTL). */
export async function keepRawNotification(
  tableName: string,
  notification: RawNotification,
  expiresAtSeconds: number,
): Promise<void> {
  // The id is the item's key (stored as `webhookId`, see the entity), not a second attribute.
  const { notificationId, ...rest } = notification;
  await dynamo().send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...rawNotificationEntity.key(notificationId),
        ...rest,
        ttl: expiresAtSeconds,
      },
    }),
  );
}
