import { ulid } from '#model/ids';
import type { StoredEndpoint, StoredSecret, WebhookEndpoint } from '#model/webhook-endpoint';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import { putEndpoint, replaceSecrets } from '#store/webhook-endpoints-repository';
import { type CreateEndpointRequest, WebhookEndpointSchema } from './schemas';
import { generateEndpointSecret } from './standard-webhooks';

/**
 * What the endpoints API decides before the store keeps it: a new endpoint's id and first secret,
 * a rotation's new secret and overlap, and the public view (the documented fields, never a
 * secret). Reading and writing endpoints is store/webhook-endpoints-repository.ts (decision 119).
 */

export function publicView(endpoint: StoredEndpoint, now: Date): WebhookEndpoint {
  const { secrets, disabledCount: _count, ...view } = endpoint;
  const previous = secrets.find(
    (secret) => secret.expiresAt !== undefined && secret.expiresAt > now.toISOString(),
  );
  // Documented fields only, in schema order (never a secret, whatever the item holds).
  return WebhookEndpointSchema.parse({
    ...view,
    ...(previous?.expiresAt ? { previousSecretExpiresAt: previous.expiresAt } : {}),
  });
}

/**
 * A new endpoint and its first secret. With `completion` (an Idempotency-Key's record, decision
 * 71) the endpoint and the completed record are one transaction; without, one conditional Put.
 */
export async function createEndpoint(
  request: CreateEndpointRequest,
  now: Date,
  completion: CompletionWrites<{ endpoint: StoredEndpoint; secret: string }> = noCompletion,
) {
  const id = `we_${ulid(now.getTime())}`;
  const secret = generateEndpointSecret();
  const createdAt = now.toISOString();
  const endpoint: StoredEndpoint = {
    id,
    url: request.url,
    ...(request.description ? { description: request.description } : {}),
    events: request.events,
    status: 'enabled',
    createdAt,
    secrets: [{ secret, createdAt }],
  };
  await putEndpoint(endpoint, completion({ endpoint, secret }));
  return { endpoint, secret };
}

/**
 * A new secret, the current one kept for the overlap. With `completion` (an Idempotency-Key's
 * record) the rotation and the completed record are one transaction: a rotation retried after its
 * answer was lost gets that answer again instead of rotating twice (which would end at once the
 * overlap the receiver relies on, with the secret that keeps it never returned).
 */
export async function rotateSecret(
  endpoint: StoredEndpoint,
  now: Date,
  overlapHours: number,
  completion: CompletionWrites<{ endpoint: StoredEndpoint; secret: string }> = noCompletion,
) {
  const secret = generateEndpointSecret();
  const at = now.toISOString();
  const overlapEnds = new Date(now.getTime() + overlapHours * 3600_000).toISOString();
  const current = endpoint.secrets.find((s) => s.expiresAt === undefined);
  const secrets: StoredSecret[] = [
    { secret, createdAt: at },
    ...(current ? [{ ...current, expiresAt: overlapEnds }] : []),
  ];
  const rotated = { endpoint: { ...endpoint, secrets }, secret };
  await replaceSecrets(endpoint.id, secrets, completion(rotated));
  return rotated;
}
