import { queueIndex } from './indexes';
import { queueBucketFor, timeSortKey } from './key-parts';

/**
 * What a seller is owed, per currency and bucket (`pending_PEN`, `available_PEN`, …): one item.
 * While it has available money it sits in the sparse payout-due queue (gsi3), by since when.
 */
export const sellerBalanceEntity = {
  name: 'seller-balance',
  /** The index each listing lives on. */
  indexes: { payoutDue: queueIndex },
  key: (sellerId: string) => ({ pk: `BALANCE#${sellerId}`, sk: 'BALANCE' }),
  /** gsi3 (sparse): balances with available money, bucketed. */
  payoutDue: (bucket: number) => `PAYOUT_DUE#${bucket}`,
  payoutDueKeys: (sellerId: string, since: string) => ({
    gsi3pk: sellerBalanceEntity.payoutDue(queueBucketFor(sellerId)),
    gsi3sk: timeSortKey(since, sellerId),
  }),
} as const;
