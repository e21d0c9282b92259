import { byKindIndex, listingIndex, queueIndex } from './indexes';
import { listBucketFor, queueBucketFor, timeSortKey } from './key-parts';

const PREFIX = 'ORDER#';

/** What an order's keys are made of (entities import nothing of the domain: they are the floor). */
interface KeyedOrder {
  id: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  payment?: { paidAt: string; optionId?: string };
  settlement?: unknown;
}

/**
 * An order: one item per order (`ORDER#<id>` / `ORDER`). Its listings (gsi1 by status, gsi2 all)
 * are bucketed; gsi3 is sparse — the pending queue while PENDING_PAYMENT, then the unsettled queue
 * while paid and not yet on a settlement report.
 */
export const orderEntity = {
  name: 'order',
  /** The index each listing lives on. */
  indexes: { byStatus: byKindIndex, all: listingIndex, pending: queueIndex, unsettled: queueIndex },
  prefix: PREFIX,
  /** For IAM (dynamodb:LeadingKeys): every order's partition. */
  partitionPattern: `${PREFIX}*`,
  key: (id: string) => ({ pk: `${PREFIX}${id}`, sk: 'ORDER' }),
  /** Its partition: the order item and its events (`ORDER#<id>` / `EVENT#…`). */
  partition: (id: string) => `${PREFIX}${id}`,
  /** gsi1: orders by status, bucketed. */
  byStatus: (status: string, bucket: number) => `ORDER_STATUS#${status}#${bucket}`,
  /** gsi2: every order, bucketed. */
  all: (bucket: number) => `ORDERS#${bucket}`,
  /** gsi3 (sparse): pending orders by expiry. */
  pending: (bucket: number) => `PENDING#${bucket}`,
  /** gsi3 (sparse): paid orders by payment time until a settlement report lists them. */
  unsettled: (bucket: number) => `UNSETTLED#${bucket}`,
  /** Every key attribute of the order's item, from the order. */
  itemKeys(order: KeyedOrder): Record<string, string> {
    const listBucket = listBucketFor(order.id);
    const sortKey = timeSortKey(order.createdAt, order.id);
    return {
      ...orderEntity.key(order.id),
      gsi1pk: orderEntity.byStatus(order.status, listBucket),
      gsi1sk: sortKey,
      gsi2pk: orderEntity.all(listBucket),
      gsi2sk: sortKey,
      // Sparse: only pending orders carry gsi3 keys, so the expirer and syncer read nothing else.
      ...(order.status === 'PENDING_PAYMENT'
        ? {
            gsi3pk: orderEntity.pending(queueBucketFor(order.id)),
            gsi3sk: timeSortKey(order.expiresAt, order.id),
          }
        : {}),
      // …and paid orders until PagoEfectivo settles them, for the unsettled-payments check. A
      // wallet payment settles on its provider's own reports, not read yet (decision 106): not queued.
      ...(order.payment !== undefined &&
      order.payment.optionId === undefined &&
      order.settlement === undefined
        ? {
            gsi3pk: orderEntity.unsettled(queueBucketFor(order.id)),
            gsi3sk: timeSortKey(order.payment.paidAt, order.id),
          }
        : {}),
    };
  },
} as const;
