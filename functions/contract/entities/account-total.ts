const PREFIX = 'ACCOUNT#';

/** A ledger account's running totals per currency (`balance_PEN`, …), for the trial balance. */
export const accountTotalEntity = {
  name: 'account-total',
  key: (account: string) => ({ pk: `${PREFIX}${account}`, sk: 'BALANCE' }),
  /** The account an item's key names. */
  accountOf: (pk: string) => pk.slice(PREFIX.length),
} as const;
