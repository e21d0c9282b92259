/**
 * Every entity's key format lives here, next to the access pattern it serves (docs/data-model.md).
 * Generic attribute names (pk/sk, gsiNpk/gsiNsk) keep the table one shape for all entities.
 */

/** Pending orders are spread over this many index partitions to avoid one hot key. */
export const PENDING_BUCKETS = 4;

export const keys = {
  order: (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' }),
  orderEvent: (id: string, version: number) => ({
    pk: `ORDER#${id}`,
    sk: `EVENT#${String(version).padStart(8, '0')}`,
  }),
  reference: (reference: string) => ({ pk: `REF#${reference}`, sk: 'REF' }),
  cip: (cip: string) => ({ pk: `CIP#${cip}`, sk: 'CIP' }),
  /** The public voucher page's secret token → its order (the token is the key: no index, no scan). */
  voucherPage: (token: string) => ({ pk: `VOUCHER_PAGE#${token}`, sk: 'VOUCHER_PAGE' }),
  sellerOrder: (sellerId: string, createdAt: string, orderId: string) => ({
    pk: `SELLER#${sellerId}`,
    sk: `ORDER#${createdAt}#${orderId}`,
  }),
  sellerPartition: (sellerId: string) => `SELLER#${sellerId}`,
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  payment: (cip: string, operationNumber: string) => ({
    pk: `PAYMENT#${cip}#${operationNumber}`,
    sk: 'PAYMENT',
  }),
  anomaly: (id: string) => ({ pk: `ANOMALY#${id}`, sk: 'ANOMALY' }),
  creationIntent: (orderId: string) => ({ pk: `CREATING#${orderId}`, sk: 'CREATING' }),
  settlement: (id: string) => ({ pk: `SETTLEMENT#${id}`, sk: 'SETTLEMENT' }),
  settlementLine: (id: string, line: number) => ({
    pk: `SETTLEMENT#${id}`,
    sk: `LINE#${String(line).padStart(8, '0')}`,
  }),
  settlementLinePrefix: 'LINE#',
  /** An Idempotency-Key given with a report upload, bound to that report's SHA-256. */
  settlementUploadKey: (key: string) => ({ pk: `SETTLEMENT_KEY#${key}`, sk: 'SETTLEMENT_KEY' }),
  /** The subject of an order's `order.expiring_soon` event for one lead time: its existence is "sent". */
  expiryReminder: (orderId: string, leadMinutes: number) => `REMINDER#${orderId}#${leadMinutes}`,
  /** A provider-run refund's id at the provider → our refund (its notifications carry only theirs). */
  providerRefund: (provider: string, providerRefundId: string) => ({
    pk: `PROVIDER_REFUND#${provider}#${providerRefundId}`,
    sk: 'PROVIDER_REFUND',
  }),
  jobCursor: (job: string) => ({ pk: `JOB#${job}`, sk: 'CURSOR' }),
  payout: (id: string) => ({ pk: `PAYOUT#${id}`, sk: 'PAYOUT' }),
  bankAccount: (sellerId: string) => ({ pk: `SELLER_BANK#${sellerId}`, sk: 'CURRENT' }),
  bankAccountVersion: (sellerId: string, version: number) => ({
    pk: `SELLER_BANK#${sellerId}`,
    sk: `V#${String(version).padStart(6, '0')}`,
  }),
};

/**
 * Listings every order or event write lands in are spread over this many index partitions, so
 * no partition key takes all of them (one partition takes ~1,000 write units/s; an order item of
 * 2–4 KB costs 2–4 of them in every index it is in). Read back merged (store/cursor.ts).
 */
export const LIST_BUCKETS = 8;
export const ALL_LIST_BUCKETS = Array.from({ length: LIST_BUCKETS }, (_, bucket) => bucket);

export function listBucketFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % LIST_BUCKETS;
}

/** gsi1: orders by status (bucketed), anomalies by type — newest first by sort key. */
export const byStatus = (status: string, bucket: number) => `ORDER_STATUS#${status}#${bucket}`;
export const anomaliesByType = (type: string) => `ANOMALY_TYPE#${type}`;
/** gsi2: every order (bucketed) / every anomaly / every API key, by creation time. */
export const allOrders = (bucket: number) => `ORDERS#${bucket}`;
export const ALL_ANOMALIES = 'ANOMALIES';
export const ALL_API_KEYS = 'API_KEYS';
/** gsi3 (sparse): pending orders by expiry, only while PENDING_PAYMENT. */
export const pendingBucket = (bucket: number) => `PENDING#${bucket}`;
/** gsi3 (sparse): paid orders by payment time, only until a settlement report lists the payment. */
export const unsettledBucket = (bucket: number) => `UNSETTLED#${bucket}`;
/** gsi1: a settlement's lines by outcome; gsi2: every settlement by import time. */
export const settlementLinesByOutcome = (settlementId: string, outcome: string) =>
  `SETTLEMENT_LINES#${settlementId}#${outcome}`;
export const ALL_SETTLEMENTS = 'SETTLEMENTS';
/** gsi3 (sparse): seller balances with available money, by since when (the payout job's index). */
export const payoutDueBucket = (bucket: number) => `PAYOUT_DUE#${bucket}`;

export function bucketFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % PENDING_BUCKETS;
}
