/**
 * A PSP notification body as received, in its own table (`pagoefectivo-<stage>-raw-notifications`),
 * keyed by the SHA-256 of the body (the notification id): a redelivered notification lands on the
 * same item. The key attribute keeps its first name, `webhookId` (decision 117): a DynamoDB table's
 * key cannot be renamed, only the table replaced — and with it up to 400 days of audit bodies.
 */
export const rawNotificationEntity = {
  name: 'raw-notification',
  key: (notificationId: string) => ({ webhookId: notificationId }),
} as const;
