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
};

/** gsi1: orders by status, anomalies by type — newest first by sort key. */
export const byStatus = (status: string) => `ORDER_STATUS#${status}`;
export const anomaliesByType = (type: string) => `ANOMALY_TYPE#${type}`;
/** gsi2: every order / every anomaly / every API key, by creation time. */
export const ALL_ORDERS = 'ORDERS';
export const ALL_ANOMALIES = 'ANOMALIES';
export const ALL_API_KEYS = 'API_KEYS';
/** gsi3 (sparse): pending orders by expiry, only while PENDING_PAYMENT. */
export const pendingBucket = (bucket: number) => `PENDING#${bucket}`;

export function bucketFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % PENDING_BUCKETS;
}
