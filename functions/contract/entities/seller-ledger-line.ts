/** One line of a seller's ledger (an entry touching the seller), newest first by `<at>#<entryId>`. */
export const sellerLedgerLineEntity = {
  name: 'seller-ledger-line',
  partition: (sellerId: string) => `SELLER_LEDGER#${sellerId}`,
  key: (sellerId: string, at: string, entryId: string) => ({
    pk: sellerLedgerLineEntity.partition(sellerId),
    sk: `${at}#${entryId}`,
  }),
} as const;
