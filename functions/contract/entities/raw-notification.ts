/**
 * A PSP notification body as received, in its own table (`pagoefectivo-<stage>-raw-notifications`),
 * keyed by the SHA-256 of the body: a redelivered notification lands on the same item.
 */
export const rawNotificationEntity = {
  name: 'raw-notification',
  key: (webhookId: string) => ({ webhookId }),
} as const;
