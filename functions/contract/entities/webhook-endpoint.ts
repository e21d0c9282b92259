import { listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/** A marketplace's outbound webhook endpoint (its secrets inside); its attempts share its partition. */
export const webhookEndpointEntity = {
  name: 'webhook-endpoint',
  /** The index each listing lives on. */
  indexes: { all: listingIndex },
  prefix: 'ENDPOINT#',
  /** For IAM: the endpoints API may delete these (and their attempts). */
  partitionPattern: 'ENDPOINT#*',
  partition: (id: string) => `ENDPOINT#${id}`,
  key: (id: string) => ({ pk: webhookEndpointEntity.partition(id), sk: 'ENDPOINT' }),
  /** gsi2: every endpoint by creation (a handful per marketplace: one partition). */
  all: 'ENDPOINTS',
  itemKeys: (id: string, createdAt: string) => ({
    ...webhookEndpointEntity.key(id),
    gsi2pk: webhookEndpointEntity.all,
    gsi2sk: timeSortKey(createdAt, id),
  }),
} as const;
