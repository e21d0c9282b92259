import { enqueueDeliveries } from '#events/dispatch';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { EventIdParamsSchema, EventsQuerySchema, RedeliverRequestSchema } from '#outbound-webhooks/schemas';
import { nowMs } from '#platform/clock';
import { ConflictError, NotFoundError } from '#platform/errors';
import { httpHandler, parseJsonBody, parseParams, rawBody } from '#platform/http';
import { routeTo } from '#platform/router';
import { getEvent, listEvents, listOrderEvents } from '#store/event-feed';
import { getOrder } from '#store/orders-repository';
import { forgetSubscriptionCache } from '#store/webhook-endpoints-repository';

/** The replayable feed (GET /v1/events) and redelivery of one event to its subscribers. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('events', {
  'GET /v1/events': async (event) => {
    const query = parseParams(event.queryStringParameters, EventsQuerySchema, 'query');
    return { status: 200, body: await listEvents(query, nowMs()) };
  },
  'GET /v1/orders/{id}/events': async (event) => {
    const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
    if ((await getOrder(id)) === undefined) throw new NotFoundError(`No order ${id}.`);
    return { status: 200, body: { items: await listOrderEvents(id) } };
  },
  'POST /v1/events/{id}/redeliver': async (event) => {
    const { id } = parseParams(event.pathParameters, EventIdParamsSchema, 'path');
    // The body is optional: no body = every subscriber.
    const { endpointId } = rawBody(event).length === 0 ? {} : parseJsonBody(event, RedeliverRequestSchema);
    const found = await getEvent(id);
    if (!found) throw new NotFoundError(`No event ${id}.`);
    forgetSubscriptionCache();
    const endpoints = await enqueueDeliveries(found, endpointId);
    if (endpointId !== undefined && endpoints === 0) {
      throw new ConflictError(
        'endpoint_not_subscribed',
        `Endpoint ${endpointId} does not exist, is disabled, or is not subscribed to ${found.type}.`,
      );
    }
    return { status: 202, body: { eventId: found.id, queuedFor: endpoints } };
  },
});

export const handler = httpHandler(run);
