import { sequence } from './key-parts';

/**
 * A seller's bank account: the current one (`CURRENT`) and every version before it (`V#<n>`), in
 * one partition; versions are never overwritten (the history a payout points at).
 */
export const bankAccountEntity = {
  name: 'bank-account',
  versionName: 'bank-account-version',
  prefix: 'SELLER_BANK#',
  key: (sellerId: string) => ({ pk: `SELLER_BANK#${sellerId}`, sk: 'CURRENT' }),
  versionKey: (sellerId: string, version: number) => ({
    pk: `SELLER_BANK#${sellerId}`,
    sk: `V#${sequence(version, 6)}`,
  }),
  /** Every version's sort key starts so. */
  versionPrefix: 'V#',
} as const;
