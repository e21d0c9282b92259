import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { apiKeyEntity } from '#contract/entities/api-key';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { samePrincipalSpelling } from '#platform/lifecycle';
import { fetchFullItems, indexQuery } from './cursor';

/**
 * API keys are stored as SHA-256 hashes only: a leaked table backup yields no usable key.
 * (High-entropy random keys need no slow hash; SHA-256 keeps the authorizer fast.)
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export interface ApiKeyRecord {
  keyId: string;
  name: string;
  createdAt: string;
  /**
   * The value of this client's API Gateway API key. The authorizer returns it as
   * `usageIdentifierKey`, which is how API Gateway applies the usage plan's per-client
   * throttling. It is not a credential: with the key source set to AUTHORIZER, API Gateway
   * ignores any `x-api-key` a caller sends.
   */
  usageKey: string;
  /** API Gateway's id for that key (absent locally), so revocation can disable it too. */
  gatewayKeyId?: string;
  revokedAt?: string;
  /** What the key may do (lib/topology.ts SCOPES). Absent on keys issued before scopes: `admin`. */
  scopes?: string[];
  /** A seller's own key: it sees only that seller's orders, balance, ledger, refunds and payouts. */
  sellerId?: string;
  /**
   * The person or system the key belongs to, set when it is issued. Maker-checker compares
   * principals, not keys: two keys of one person are one person (decision 76). Absent on keys
   * issued before principals: the key id, so each such key stays a person of its own.
   */
  principal?: string;
}

/** Who holds the key: its principal, or (keys issued before principals) the key itself; one spelling. */
export const principalOf = (record: Pick<ApiKeyRecord, 'keyId' | 'principal'>): string =>
  samePrincipalSpelling(record.principal ?? record.keyId);

const RECORD_FIELDS = [
  'keyId',
  'name',
  'createdAt',
  'usageKey',
  'gatewayKeyId',
  'revokedAt',
  'sellerId',
  'principal',
] as const;

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const record: Record<string, string> = {};
  for (const field of RECORD_FIELDS) {
    if (typeof item[field] === 'string') record[field] = item[field];
  }
  const scopes = Array.isArray(item.scopes)
    ? item.scopes.filter((scope) => typeof scope === 'string')
    : undefined;
  return { ...(record as unknown as ApiKeyRecord), ...(scopes ? { scopes } : {}) };
}

export async function findActiveApiKey(apiKey: string): Promise<ApiKeyRecord | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: apiKeyEntity.key(hashApiKey(apiKey)) }),
  );
  const item = result.Item;
  if (item === undefined || item.revokedAt !== undefined) return undefined;
  return toRecord(item);
}

export async function storeApiKey(apiKey: string, record: ApiKeyRecord): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...apiKeyEntity.itemKeys(hashApiKey(apiKey), record.createdAt, record.keyId),
        entity: apiKeyEntity.name,
        ...record,
      },
    }),
  );
}

/** Every key item ever issued, oldest first (a handful per marketplace: a page or two, no Scan). */
async function apiKeyItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        ...indexQuery(apiKeyEntity.indexes.all, apiKeyEntity.all),
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(await fetchFullItems(page.Items ?? [])));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

export async function listApiKeys(): Promise<ApiKeyRecord[]> {
  return (await apiKeyItems()).map(toRecord);
}

/**
 * Marks a key revoked; the item stays, for the audit trail of who called us with it. Returns
 * the record as it was, or undefined when no such key exists. Revoking twice keeps the first date.
 */
export async function revokeApiKey(keyId: string, at: Date): Promise<ApiKeyRecord | undefined> {
  const item = (await apiKeyItems()).find((candidate) => candidate.keyId === keyId);
  if (item === undefined) return undefined;
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: item.pk, sk: item.sk },
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at.toISOString() },
    }),
  );
  return toRecord(item);
}
