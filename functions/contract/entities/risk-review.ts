import { listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/**
 * A flagged order's review: open in the queue (gsi2) until someone decides, then kept for audit.
 * The `order.flagged` event has a subject of its own (`RISK#<orderId>`): the order's own event
 * sequence stays the order's versions.
 */
export const riskReviewEntity = {
  name: 'risk-review',
  /** The index each listing lives on. */
  indexes: { open: listingIndex },
  key: (orderId: string) => ({ pk: `RISK_REVIEW#${orderId}`, sk: 'REVIEW' }),
  /** gsi2: the open reviews, oldest first. */
  open: 'RISK_REVIEWS#open',
  openKeys: (orderId: string, createdAt: string) => ({
    gsi2pk: riskReviewEntity.open,
    gsi2sk: timeSortKey(createdAt, orderId),
  }),
  /** The outbox subject of the order's `order.flagged` event. */
  flaggedSubject: (orderId: string) => `RISK#${orderId}`,
  subjectPrefix: 'RISK#',
} as const;
