/** The public voucher page's secret token → its order (the token is the key: no index, no scan). */
export const voucherPageEntity = {
  name: 'voucher-page',
  /** For IAM: the page's function may read only these and orders. */
  partitionPattern: 'VOUCHER_PAGE#*',
  key: (token: string) => ({ pk: `VOUCHER_PAGE#${token}`, sk: 'VOUCHER_PAGE' }),
} as const;
