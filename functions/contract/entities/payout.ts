import { byKindIndex, listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/** A payout to one seller; listed by status and by seller (one per seller per period: no hot spot). */
export const payoutEntity = {
  name: 'payout',
  /** The index each listing lives on. */
  indexes: { byStatus: byKindIndex, bySeller: listingIndex },
  prefix: 'PAYOUT#',
  key: (id: string) => ({ pk: `PAYOUT#${id}`, sk: 'PAYOUT' }),
  /** gsi1: payouts in one status. */
  byStatus: (status: string) => `PAYOUT_STATUS#${status}`,
  /** gsi2: a seller's payouts. */
  bySeller: (sellerId: string) => `SELLER_PAYOUTS#${sellerId}`,
  itemKeys: (payout: { id: string; status: string; sellerId: string; createdAt: string }) => {
    const sortKey = timeSortKey(payout.createdAt, payout.id);
    return {
      ...payoutEntity.key(payout.id),
      gsi1pk: payoutEntity.byStatus(payout.status),
      gsi1sk: sortKey,
      gsi2pk: payoutEntity.bySeller(payout.sellerId),
      gsi2sk: sortKey,
    };
  },
} as const;
