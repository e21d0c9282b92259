/**
 * One applied payment (CIP + the PSP's operation number): written in the transaction that applies
 * it, under `attribute_not_exists` — a second notification of the same payment cannot apply twice.
 */
export const paymentRecordEntity = {
  name: 'payment',
  key: (cip: string, operationNumber: string) => ({ pk: `PAYMENT#${cip}#${operationNumber}`, sk: 'PAYMENT' }),
} as const;
