import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { deliveryAttemptEntity } from '#contract/entities/delivery-attempt';
import { withoutKeys } from '#contract/entities/indexes';
import { webhookEndpointEntity } from '#contract/entities/webhook-endpoint';
import type { EventType } from '#model/event-types';
import type { DeliveryAttempt, EndpointChanges, StoredEndpoint, StoredSecret } from '#model/webhook-endpoint';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { encodeCursor, listIndexPartition, queryPage } from './cursor';
import { throwIfClaimLost } from './idempotency-records';
import { updateAnnouncing } from './outbox';
import type { TransactItem } from './transactions';

/**
 * Outbound webhook endpoints and their delivery attempts in the table: what the use cases
 * (outbound-webhooks/) decide — a new endpoint and its secret, a rotation — is stored here as
 * given; no secret is made and no API schema read here (decision 119).
 */

const endpointKey = webhookEndpointEntity.key;
/** Delivery attempts are kept 30 days. */
const ATTEMPT_RETENTION_SECONDS = 30 * 86_400;

function table(): string {
  return tableName();
}

const fromItem = (item: Record<string, unknown>) => withoutKeys<StoredEndpoint>(item);

/**
 * Stores a new endpoint. With `alongside` (an Idempotency-Key's completed record, decision 71) the
 * endpoint and the record are one transaction; without, one conditional Put.
 */
export async function putEndpoint(endpoint: StoredEndpoint, alongside: TransactItem[] = []): Promise<void> {
  const put = {
    TableName: table(),
    Item: {
      ...webhookEndpointEntity.itemKeys(endpoint.id, endpoint.createdAt),
      entity: webhookEndpointEntity.name,
      ...endpoint,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
  if (alongside.length === 0) {
    await dynamo().send(new PutCommand(put));
  } else {
    await transactWithCompletion([{ Put: put }, ...alongside]);
  }
  forgetSubscriptionCache();
}

export async function getEndpoint(id: string): Promise<StoredEndpoint | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table(), Key: endpointKey(id), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

export function listEndpoints(limit: number, cursor?: string) {
  const { indexes, all } = webhookEndpointEntity;
  return listIndexPartition({ index: indexes.all, partition: all, limit, cursor, from: fromItem });
}

/** Deleting also forgets its attempts lazily: they expire by TTL. */
export async function deleteEndpoint(id: string): Promise<boolean> {
  const result = await dynamo().send(
    new DeleteCommand({ TableName: table(), Key: endpointKey(id), ReturnValues: 'ALL_OLD' }),
  );
  forgetSubscriptionCache();
  return result.Attributes !== undefined;
}

/**
 * Changes what the marketplace may change. `enabled: true` re-enables a disabled endpoint and
 * forgets its failure streak, so the 5-day clock starts afresh; `enabled: false` pauses it
 * (the marketplace's own decision: no event). Undefined when the endpoint does not exist.
 */
export async function updateEndpoint(
  id: string,
  changes: EndpointChanges,
  now: Date,
): Promise<StoredEndpoint | undefined> {
  const set: string[] = [];
  const remove: string[] = [];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const field of ['url', 'events', 'description'] as const) {
    if (changes[field] === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = changes[field];
    set.push(`#${field} = :${field}`);
  }
  if (changes.enabled !== undefined) {
    names['#status'] = 'status';
    values[':status'] = changes.enabled ? 'enabled' : 'disabled';
    set.push('#status = :status');
    if (changes.enabled) {
      remove.push('disabledReason', 'disabledAt', 'failingSince');
    } else {
      values[':reason'] = 'Paused through the API.';
      values[':at'] = now.toISOString();
      set.push('disabledReason = :reason', 'disabledAt = :at');
    }
  }
  const result = await dynamo()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: endpointKey(id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    )
    .catch(ignoreMissing);
  forgetSubscriptionCache();
  return result?.Attributes ? fromItem(result.Attributes) : undefined;
}

/** Replaces the endpoint's signing secrets (a rotation: the new one, and the old one until its overlap ends). */
/** An endpoint's secrets replaced; with `alongside` (an Idempotency-Key's record) in one transaction. */
export async function replaceSecrets(
  id: string,
  secrets: StoredSecret[],
  alongside: TransactItem[] = [],
): Promise<void> {
  const update = {
    TableName: table(),
    Key: endpointKey(id),
    UpdateExpression: 'SET secrets = :secrets',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':secrets': secrets },
  };
  if (alongside.length === 0) {
    await dynamo().send(new UpdateCommand(update));
    return;
  }
  await transactWithCompletion([{ Update: update }, ...alongside]);
}

/** An endpoint's write and an Idempotency-Key's completion, one transaction; a lost claim is 409. */
async function transactWithCompletion(items: TransactItem[]): Promise<void> {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    throwIfClaimLost(error, items);
    throw error;
  }
}

/**
 * Enabled endpoints, cached per container. A container that changes an endpoint forgets its own
 * copy at once; in AWS the dispatcher's containers see the change within the 30 s below
 * (docs/webhooks.md), while the local stack, one process for every handler, sees it at once.
 */
let subscriptionCache: { at: number; endpoints: StoredEndpoint[] } | undefined;
const SUBSCRIPTION_CACHE_MS = 30_000;
/**
 * Bumped by every `forgetSubscriptionCache()`. A load that was already reading when an endpoint
 * changed would otherwise store the list from before the change for the next 30 s (a new endpoint
 * missing its first events): it is used for the call that made it, and cached only if nothing
 * changed meanwhile.
 */
let cacheGeneration = 0;

/** Enabled endpoints subscribed to a type. Cached 30 s per container: endpoints change rarely. */
export async function endpointsSubscribedTo(type: EventType, nowMs: number): Promise<StoredEndpoint[]> {
  let current = subscriptionCache;
  if (!current || nowMs - current.at > SUBSCRIPTION_CACHE_MS) {
    const generation = cacheGeneration;
    const endpoints: StoredEndpoint[] = [];
    let cursor: string | undefined;
    // Bounded: a marketplace has a handful of endpoints; 10 pages of 100 is far beyond that.
    for (let page = 0; page < 10; page++) {
      const result = await listEndpoints(100, cursor);
      endpoints.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    current = { at: nowMs, endpoints };
    if (generation === cacheGeneration) subscriptionCache = current;
  }
  return current.endpoints.filter(
    (endpoint) => endpoint.status === 'enabled' && endpoint.events.includes(type),
  );
}

export function forgetSubscriptionCache(): void {
  subscriptionCache = undefined;
  cacheGeneration += 1;
}

export async function markDeliverySucceeded(id: string, at: Date): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: endpointKey(id),
        UpdateExpression: 'SET lastSuccessAt = :at REMOVE failingSince',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    )
    .catch(ignoreMissing);
}

/** Records that a delivery failed; returns since when the endpoint has been failing without a success. */
export async function markDeliveryFailed(id: string, at: Date): Promise<string | undefined> {
  const result = await dynamo()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: endpointKey(id),
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    )
    .catch(ignoreMissing);
  return result?.Attributes?.failingSince as string | undefined;
}

/**
 * Disables an endpoint once, and announces it (`webhook_endpoint.disabled`) through the outbox in
 * the same transaction. False when it was already disabled or deleted.
 */
export async function disableEndpoint(endpoint: StoredEndpoint, reason: string, at: Date): Promise<boolean> {
  const key = endpointKey(endpoint.id);
  const atIso = at.toISOString();
  // Each disablement is its own event: an endpoint re-enabled and failing again is announced again.
  const previousCount = endpoint.disabledCount ?? 0;
  const disabled = await updateAnnouncing(
    {
      Key: key,
      UpdateExpression:
        'SET #status = :disabled, disabledReason = :reason, disabledAt = :at, disabledCount = :count',
      ConditionExpression:
        '#status = :enabled AND (attribute_not_exists(disabledCount) OR disabledCount = :previousCount)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':disabled': 'disabled',
        ':enabled': 'enabled',
        ':reason': reason,
        ':at': atIso,
        ':count': previousCount + 1,
        ':previousCount': previousCount,
      },
    },
    {
      subject: key.pk,
      sequence: previousCount + 1,
      type: 'webhook_endpoint.disabled',
      occurredAt: atIso,
      data: { endpointId: endpoint.id, url: endpoint.url, reason },
    },
  );
  if (disabled) forgetSubscriptionCache();
  return disabled;
}

export async function recordAttempt(endpointId: string, attempt: DeliveryAttempt): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...deliveryAttemptEntity.key(endpointId, attempt),
        entity: deliveryAttemptEntity.name,
        ...attempt,
        ttl: Math.floor(Date.parse(attempt.at) / 1000) + ATTEMPT_RETENTION_SECONDS,
      },
    }),
  );
}

export async function listAttempts(endpointId: string, limit: number, cursor?: string) {
  const page = await queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': webhookEndpointEntity.partition(endpointId),
        ':prefix': deliveryAttemptEntity.sortPrefix,
      },
      ScanIndexForward: false,
      Limit: limit,
    },
    cursor,
  );
  const items = (page.Items ?? []).map((item) => {
    const { ttl: _t, ...attempt } = withoutKeys<DeliveryAttempt & { ttl?: number }>(item);
    return attempt;
  });
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

function ignoreMissing(error: unknown): undefined {
  if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
  throw error;
}
