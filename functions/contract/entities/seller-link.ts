/** A seller's link to an order it takes a split of: lists the seller's orders, newest first. */
export const sellerLinkEntity = {
  name: 'seller-order',
  partition: (sellerId: string) => `SELLER#${sellerId}`,
  key: (sellerId: string, createdAt: string, orderId: string) => ({
    pk: sellerLinkEntity.partition(sellerId),
    sk: `ORDER#${createdAt}#${orderId}`,
  }),
  /** Every link's sort key starts so. */
  sortPrefix: 'ORDER#',
} as const;
