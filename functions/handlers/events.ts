import { enqueueDeliveries } from '../events/dispatch';
import { getEvent, listEvents } from '../events/feed';
import { nowMs } from '../platform/clock';
import { NotFoundError } from '../platform/errors';
import { httpHandler, parseParams } from '../platform/http';
import { forgetSubscriptionCache } from '../webhooks/endpoints-repository';
import { EventIdParamsSchema, EventsQuerySchema } from '../webhooks/schemas';

/** The replayable feed (GET /v1/events) and redelivery of one event to its subscribers. */
export const handler = httpHandler(async (event) => {
  if (event.httpMethod === 'GET') {
    const query = parseParams(event.queryStringParameters, EventsQuerySchema, 'query');
    return { status: 200, body: await listEvents(query, nowMs()) };
  }
  const { id } = parseParams(event.pathParameters, EventIdParamsSchema, 'path');
  const found = await getEvent(id);
  if (!found) throw new NotFoundError(`No event ${id}.`);
  forgetSubscriptionCache();
  const endpoints = await enqueueDeliveries(found);
  return { status: 202, body: { eventId: found.id, queuedFor: endpoints } };
});
