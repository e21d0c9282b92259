import { hashedValue } from './key-parts';

/** A buyer's link to an order, by hashed document number: the risk rules' per-buyer history. */
export const buyerLinkEntity = {
  name: 'buyer-order',
  partition: (documentNumber: string) => `BUYER#${hashedValue(documentNumber)}`,
  key: (documentNumber: string, createdAt: string, orderId: string) => ({
    pk: buyerLinkEntity.partition(documentNumber),
    sk: buyerLinkEntity.since(`${createdAt}#${orderId}`),
  }),
  /** Every link's sort key starts so. */
  sortPrefix: 'ORDER#',
  /** The bound just below every link made at or after `at`. */
  since: (at: string) => `ORDER#${at}`,
} as const;
