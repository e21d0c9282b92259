import type { APIGatewayProxyEvent } from 'aws-lambda';
import { idempotentOperation } from '#http/idempotency';
import type { StoredEndpoint } from '#model/webhook-endpoint';
import { createEndpoint, publicView, rotateSecret } from '#outbound-webhooks/endpoints';
import {
  type CreateEndpointRequest,
  CreateEndpointRequestSchema,
  EndpointIdParamsSchema,
  PageQuerySchema,
  UpdateEndpointRequestSchema,
} from '#outbound-webhooks/schemas';
import { endpointUrlProblems } from '#outbound-webhooks/url-policy';
import { now } from '#platform/clock';
import { config } from '#platform/config';
import { NotFoundError, ValidationError } from '#platform/errors';
import { httpHandler, jsonBody, parseJsonBody, parseParams, validate } from '#platform/http';
import { routeTo } from '#platform/router';
import {
  deleteEndpoint,
  forgetSubscriptionCache,
  getEndpoint,
  listAttempts,
  listEndpoints,
  updateEndpoint,
} from '#store/webhook-endpoints-repository';

/**
 * A retried create (same Idempotency-Key and body) gets the same endpoint and secret back, not a
 * twin: the key's record is completed with that answer in the endpoint's own write (decision 71).
 */
const answer = (created: { endpoint: StoredEndpoint; secret: string }, at: Date) => ({
  ...publicView(created.endpoint, at),
  secret: created.secret,
});
const createEndpointOnce = idempotentOperation<CreateEndpointRequest, ReturnType<typeof answer>>(
  'create-webhook-endpoint',
  async (request, completion) => {
    const at = now();
    const created = await createEndpoint(request, at, (made) => completion(answer(made, at)));
    forgetSubscriptionCache();
    return answer(created, at);
  },
);

/** A rotation, once per Idempotency-Key: its retry answers the same new secret (decision 132). */
const rotateSecretOnce = idempotentOperation<StoredEndpoint, ReturnType<typeof answer>>(
  'rotate-webhook-secret',
  async (endpoint, completion) => {
    const at = now();
    const rotated = await rotateSecret(endpoint, at, config().WEBHOOK_SECRET_OVERLAP_HOURS, (made) =>
      completion(answer(made, at)),
    );
    return answer(rotated, at);
  },
);

/** The same URL policy on create and on change (SSRF: see url-policy.ts). */
function assertUrlAllowed(url: string): void {
  const problems = endpointUrlProblems(url, config().STAGE === 'local');
  if (problems.length > 0) throw new ValidationError(problems, 'This webhook URL is not allowed.');
}

/** The endpoint a path names (`{id}`): a 404 for every route if there is none. */
async function existingEndpoint(event: APIGatewayProxyEvent): Promise<StoredEndpoint> {
  const { id } = parseParams(event.pathParameters, EndpointIdParamsSchema, 'path');
  const endpoint = await getEndpoint(id);
  if (!endpoint) throw new NotFoundError(`No webhook endpoint ${id}.`);
  return endpoint;
}

/**
 * /v1/webhook-endpoints: where the marketplace wants to hear about events. The signing secret is
 * shown once, on creation and on rotation.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('webhook-endpoints', {
  'POST /v1/webhook-endpoints': async (event, context) => {
    const body = jsonBody(event);
    const request = validate(body, CreateEndpointRequestSchema);
    assertUrlAllowed(request.url);
    const created = await createEndpointOnce(event, context, body, request);
    return { status: 201, body: created, headers: { location: `/v1/webhook-endpoints/${created.id}` } };
  },
  'GET /v1/webhook-endpoints': async (event) => {
    const query = parseParams(event.queryStringParameters, PageQuerySchema, 'query');
    const page = await listEndpoints(query.limit, query.cursor);
    return {
      status: 200,
      body: { items: page.items.map((e) => publicView(e, now())), nextCursor: page.nextCursor },
    };
  },
  'GET /v1/webhook-endpoints/{id}': async (event) => ({
    status: 200,
    body: publicView(await existingEndpoint(event), now()),
  }),
  'PATCH /v1/webhook-endpoints/{id}': async (event) => {
    const { id } = await existingEndpoint(event);
    const changes = parseJsonBody(event, UpdateEndpointRequestSchema);
    if (changes.url !== undefined) assertUrlAllowed(changes.url);
    const updated = await updateEndpoint(id, changes, now());
    if (!updated) throw new NotFoundError(`No webhook endpoint ${id}.`);
    return { status: 200, body: publicView(updated, now()) };
  },
  'DELETE /v1/webhook-endpoints/{id}': async (event) => {
    await deleteEndpoint((await existingEndpoint(event)).id);
    forgetSubscriptionCache();
    return { status: 204, body: null };
  },
  'POST /v1/webhook-endpoints/{id}/rotate-secret': async (event, context) => {
    const endpoint = await existingEndpoint(event);
    // The endpoint is the request: the same key on another endpoint is another request (409).
    return {
      status: 200,
      body: await rotateSecretOnce(event, context, { endpointId: endpoint.id }, endpoint),
    };
  },
  'GET /v1/webhook-endpoints/{id}/attempts': async (event) => {
    const { id } = await existingEndpoint(event);
    const query = parseParams(event.queryStringParameters, PageQuerySchema, 'query');
    return { status: 200, body: await listAttempts(id, query.limit, query.cursor) };
  },
});

export const handler = httpHandler(run);
