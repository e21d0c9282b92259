import { queueBucketFor, timeSortKey } from './key-parts';

const PREFIX = 'PAYMENT_DATE#';

/**
 * A payment whose date is the time its notification reached us (the body carried none): one item
 * per such payment, `PAYMENT_DATE#<bucket>` / `<receivedAt>#<orderId>`, written with the payment
 * and deleted when sync-pending has confirmed the provider's own date. Bucketed like the gsi3
 * queues (a notification without a date may be every notification), read oldest first.
 */
export const unconfirmedPaymentDateEntity = {
  name: 'unconfirmed-payment-date',
  prefix: PREFIX,
  /** For IAM (dynamodb:LeadingKeys): the job deletes these and nothing else. */
  partitionPattern: `${PREFIX}*`,
  partition: (bucket: number) => `${PREFIX}${bucket}`,
  key: (orderId: string, receivedAt: string) => ({
    pk: `${PREFIX}${queueBucketFor(orderId)}`,
    sk: timeSortKey(receivedAt, orderId),
  }),
} as const;
