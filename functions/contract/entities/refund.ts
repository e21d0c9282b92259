import { byKindIndex, listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/** A refund request and its lifecycle; listed by status and by order (few: one partition each). */
export const refundEntity = {
  name: 'refund',
  /** The index each listing lives on. */
  indexes: { byStatus: byKindIndex, byOrder: listingIndex },
  prefix: 'REFUND#',
  key: (id: string) => ({ pk: `REFUND#${id}`, sk: 'REFUND' }),
  /** gsi1: refunds in one status. */
  byStatus: (status: string) => `REFUND_STATUS#${status}`,
  /** gsi2: an order's refunds. */
  byOrder: (orderId: string) => `ORDER_REFUNDS#${orderId}`,
  itemKeys: (refund: { id: string; status: string; orderId: string; createdAt: string }) => {
    const sortKey = timeSortKey(refund.createdAt, refund.id);
    return {
      ...refundEntity.key(refund.id),
      gsi1pk: refundEntity.byStatus(refund.status),
      gsi1sk: sortKey,
      gsi2pk: refundEntity.byOrder(refund.orderId),
      gsi2sk: sortKey,
    };
  },
} as const;
