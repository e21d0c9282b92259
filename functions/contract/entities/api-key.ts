import { listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/** An API key, stored by the SHA-256 of the key (never the key); listed for the operator scripts. */
export const apiKeyEntity = {
  name: 'api-key',
  /** The index each listing lives on. */
  indexes: { all: listingIndex },
  /** For IAM: the authorizer may read only these. */
  partitionPattern: 'APIKEY#*',
  key: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  /** gsi2: every API key by creation (a handful: operator scripts read it). */
  all: 'API_KEYS',
  itemKeys: (keyHash: string, createdAt: string, keyId: string) => ({
    ...apiKeyEntity.key(keyHash),
    gsi2pk: apiKeyEntity.all,
    gsi2sk: timeSortKey(createdAt, keyId),
  }),
} as const;
