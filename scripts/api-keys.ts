import '../local/quiet';
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { PRINCIPAL_PATTERN, physicalName, SCOPES, SELLER_KEY_SCOPES, usagePlanName } from '#lib/topology';
import { samePrincipalSpelling } from '#platform/lifecycle';
import type { ApiKeyRecord } from '#store/api-keys';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';

/**
 * API key lifecycle for one stage:
 *   npm run api-key:create -- --stage prod --name "checkout backend" --scopes orders:read,orders:write [--region r]
 *   (without --scopes a key may only read orders; lib/topology.ts SCOPES lists them, `admin` is all)
 *   npm run api-key:create -- --stage prod --name "finance laptop" --scopes payouts:approve --principal maria@mkt.pe
 *   (--principal: the person or system holding it; maker-checker compares principals, so a
 *   second key of the same person cannot approve the first one's request. Default: the key id.)
 *   npm run api-key:create -- --stage prod --name "seller portal: s-123" --seller-id s-123
 *   (a seller's key: its own orders, balance, ledger, refunds and payouts, read-only)
 *   npm run api-key:list   -- --stage prod [--region r]
 *   npm run api-key:revoke -- --stage prod --key-id key_… [--region r]
 * `--stage local` manages the local stack's keys (`--endpoint` = its DynamoDB Local URL).
 *
 * Each key is a random secret shown once; the table keeps only its hash. In AWS each key also
 * gets an API Gateway API key in the stage's usage plan (its per-client throttle): the
 * authorizer names it as `usageIdentifierKey`. Revoking marks the item (kept for audit) and
 * disables that API Gateway key; the authorizer refuses the key once its cached decision expires.
 */

/** The part of API Gateway the key lifecycle needs (real client in AWS, none locally). */
export interface UsagePlanGateway {
  client: APIGatewayClient;
  usagePlanName: string;
}

async function findUsagePlanId(gateway: UsagePlanGateway): Promise<string> {
  let position: string | undefined;
  do {
    const page = await gateway.client.send(new GetUsagePlansCommand({ position, limit: 500 }));
    const plan = page.items?.find((item) => item.name === gateway.usagePlanName);
    if (plan?.id) return plan.id;
    position = page.position;
  } while (position);
  throw new Error(
    `No usage plan named ${gateway.usagePlanName}: is the service stack deployed to this region?`,
  );
}

export interface IssuedApiKey {
  apiKey: string;
  record: ApiKeyRecord;
}

export async function issueApiKey(
  name: string,
  options: {
    gateway?: UsagePlanGateway;
    now?: Date;
    scopes?: readonly string[];
    sellerId?: string;
    /** Who holds it (a person's or system's stable name); default: the new key's own id. */
    principal?: string;
  } = {},
): Promise<IssuedApiKey> {
  const unknown = (options.scopes ?? []).filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0)
    throw new Error(`Unknown scope(s) ${unknown.join(', ')}; use ${SCOPES.join(', ')}.`);
  if (options.sellerId !== undefined) {
    const beyond = (options.scopes ?? []).filter(
      (scope) => !(SELLER_KEY_SCOPES as readonly string[]).includes(scope),
    );
    if (beyond.length > 0 || !/^[A-Za-z0-9._:-]{1,64}$/.test(options.sellerId)) {
      throw new Error(
        `A seller's key may hold only ${SELLER_KEY_SCOPES.join(', ')} (and needs a valid seller id).`,
      );
    }
  }
  if (options.principal !== undefined && !PRINCIPAL_PATTERN.test(options.principal)) {
    throw new Error('A principal is 1-100 letters, digits, spaces or . _ : @ -');
  }
  const { storeApiKey } = await import('#store/api-keys');
  const apiKey = `pek_${randomBytes(32).toString('base64url')}`;
  const keyId = `key_${randomUUID()}`;
  // Hex: safely inside API Gateway's rules for key values (at least 20 characters).
  const usageKey = `usage${randomBytes(24).toString('hex')}`;
  let gatewayKeyId: string | undefined;
  if (options.gateway) {
    // Usage plan first: a key that cannot be throttled is never stored as usable.
    const usagePlanId = await findUsagePlanId(options.gateway);
    const created = await options.gateway.client.send(
      new CreateApiKeyCommand({ name: `${name} (${keyId})`, value: usageKey, enabled: true }),
    );
    gatewayKeyId = created.id;
    await options.gateway.client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId, keyId: gatewayKeyId, keyType: 'API_KEY' }),
    );
  }
  const record: ApiKeyRecord = {
    keyId,
    name,
    createdAt: (options.now ?? new Date()).toISOString(),
    usageKey,
    ...(gatewayKeyId ? { gatewayKeyId } : {}),
    // Least privilege unless asked: a new key without --scopes may only read orders.
    scopes: [...(options.scopes ?? (options.sellerId ? SELLER_KEY_SCOPES : ['orders:read']))],
    ...(options.sellerId ? { sellerId: options.sellerId } : {}),
    // Maker-checker compares principals: a second key for the same person must name them again.
    // One spelling per person: `Maria@Mkt.pe` is the console's `maria@mkt.pe` (decision 134).
    principal: samePrincipalSpelling(options.principal ?? keyId),
  };
  await storeApiKey(apiKey, record);
  return { apiKey, record };
}

export async function revokeIssuedApiKey(
  keyId: string,
  options: { gateway?: UsagePlanGateway; now?: Date } = {},
): Promise<ApiKeyRecord | undefined> {
  const { revokeApiKey } = await import('#store/api-keys');
  const record = await revokeApiKey(keyId, options.now ?? new Date());
  if (record?.gatewayKeyId && options.gateway) {
    await options.gateway.client.send(
      new UpdateApiKeyCommand({
        apiKey: record.gatewayKeyId,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      }),
    );
  }
  return record;
}

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      stage: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      'seller-id': { type: 'string' },
      principal: { type: 'string' },
      'key-id': { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  const usage =
    'usage: api-keys create --stage <s> --name <who uses it> --scopes orders:read,orders:write [--principal <person>] | list --stage <s> | revoke --stage <s> --key-id <id>';
  if (!values.stage || !['create', 'list', 'revoke'].includes(command ?? '')) {
    console.error(usage);
    process.exit(2);
  }
  // The store reads its table from the config module, like every Lambda does.
  process.env.TABLE_NAME = physicalName('table', values.stage);
  if (values.region) process.env.AWS_REGION = values.region;
  if (values.endpoint) process.env.DYNAMODB_ENDPOINT = values.endpoint;
  if (values.stage === 'local') {
    // DynamoDB Local accepts any credentials, but the SDK still signs: give it the local stack's.
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
  }
  const gateway =
    values.stage === 'local'
      ? undefined
      : {
          client: new APIGatewayClient(values.region ? { region: values.region } : {}),
          usagePlanName: usagePlanName(values.stage),
        };

  if (command === 'create') {
    if (!values.name) throw new Error(usage);
    const scopes = values.scopes
      ?.split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    const { apiKey, record } = await issueApiKey(values.name, {
      gateway,
      ...(scopes ? { scopes } : {}),
      ...(values['seller-id'] ? { sellerId: values['seller-id'] } : {}),
      ...(values.principal ? { principal: values.principal } : {}),
    });
    console.log(
      `API key for "${record.name}" (${record.keyId}, principal ${record.principal}), scopes ${record.scopes?.join(' ')} — shown once, store it now:\n${apiKey}`,
    );
  } else if (command === 'list') {
    const { listApiKeys, principalOf } = await import('#store/api-keys');
    for (const record of await listApiKeys()) {
      const state = record.revokedAt ? `revoked ${record.revokedAt}` : 'active';
      console.log(
        `${record.keyId}\t${record.createdAt}\t${state}\t${(record.scopes ?? ['admin']).join(' ')}\t${principalOf(record)}\t${record.name}`,
      );
    }
  } else {
    if (!values['key-id']) throw new Error(usage);
    const record = await revokeIssuedApiKey(values['key-id'], { gateway });
    if (!record) throw new Error(`No API key ${values['key-id']} in stage ${values.stage}`);
    console.log(`Revoked ${record.keyId} ("${record.name}").`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
