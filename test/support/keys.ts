import { randomUUID } from 'node:crypto';
import { storeApiKey } from '#store/api-keys';

/**
 * A key of the test's own (admin, as local keys without scopes are), stored as the authorizer
 * reads it: refunds it requests are its principal's only ones that Lima day, so the daily cap on
 * refunds approved at once (decision 75) never depends on what other tests asked before.
 */
export async function requesterKey(principal?: string): Promise<{ authorization: string }> {
  const key = `requester-${randomUUID()}`;
  await storeApiKey(key, {
    keyId: `key_rq_${randomUUID()}`,
    name: 'test requester',
    createdAt: new Date().toISOString(),
    usageKey: `usage_rq_${randomUUID()}`,
    ...(principal ? { principal } : {}),
  });
  return { authorization: `Bearer ${key}` };
}
