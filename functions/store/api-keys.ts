import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../platform/aws';
import { config } from '../platform/config';
import { keys } from './keys';

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
  revokedAt?: string;
}

export async function findActiveApiKey(apiKey: string): Promise<ApiKeyRecord | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.apiKey(hashApiKey(apiKey)) }),
  );
  const item = result.Item;
  if (item === undefined || item.revokedAt !== undefined) return undefined;
  return { keyId: String(item.keyId), name: String(item.name), createdAt: String(item.createdAt) };
}

export async function storeApiKey(apiKey: string, record: ApiKeyRecord): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: config().TABLE_NAME,
      Item: { ...keys.apiKey(hashApiKey(apiKey)), entity: 'api-key', ...record },
    }),
  );
}
