// zod/mini (decision 57): the endpoint, event and delivery functions validate and present with
// these and load no classic zod; /openapi.json is generated from them all the same.
import * as z from 'zod/mini';
import { EVENT_TYPES } from '#model/event-types';
import { described, pageCursor, pageLimit, pagingFields, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';

const endpointIdPattern = () => z.string().check(z.regex(/^we_[0-9A-Z]{26}$/, 'Not an endpoint id.'));

const endpointUrl = /* @__PURE__ */ schema(() => z.string().check(z.minLength(1), z.maxLength(2048)));
const subscribedEvents = /* @__PURE__ */ schema(() =>
  z.array(z.enum(EVENT_TYPES)).check(
    z.minLength(1),
    z.maxLength(EVENT_TYPES.length),
    z.refine((events) => new Set(events).size === events.length, 'List each event type once.'),
  ),
);
const endpointDescription = /* @__PURE__ */ schema(() => plainText({ max: 200 }));

export const CreateEndpointRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      url: endpointUrl,
      events: subscribedEvents,
      description: z.optional(endpointDescription),
    })
    .check(z.meta({ id: 'CreateWebhookEndpointRequest' })),
);
export type CreateEndpointRequest = z.infer<typeof CreateEndpointRequestSchema>;

export const UpdateEndpointRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      url: z.optional(endpointUrl),
      events: z.optional(subscribedEvents),
      description: z.optional(endpointDescription),
      enabled: described(
        z.optional(z.boolean()),
        'true re-enables a disabled endpoint (after 410 or days of failures); false pauses it.',
      ),
    })
    .check(
      z.refine(
        (changes) => Object.keys(changes).length > 0,
        'Send at least one of url, events, description, enabled.',
      ),
      z.meta({ id: 'UpdateWebhookEndpointRequest' }),
    ),
);
export type UpdateEndpointRequest = z.infer<typeof UpdateEndpointRequestSchema>;

export const EndpointIdParamsSchema = /* @__PURE__ */ schema(() => z.object({ id: endpointIdPattern() }));

export const PageQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    ...pagingFields(25),
  }),
);

const endpointFields = () => ({
  id: z.string(),
  url: z.string(),
  description: z.optional(z.string()),
  events: z.array(z.enum(EVENT_TYPES)),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.optional(z.string()),
  createdAt: z.iso.datetime(),
  failingSince: z.optional(z.iso.datetime()),
  lastSuccessAt: z.optional(z.iso.datetime()),
  previousSecretExpiresAt: z.optional(z.iso.datetime()),
});

export const WebhookEndpointSchema = /* @__PURE__ */ schema(() =>
  z.object(endpointFields()).check(z.meta({ id: 'WebhookEndpoint' })),
);
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** Create and rotate-secret answer the endpoint with its signing secret: shown this once. */
export const WebhookEndpointWithSecretSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      ...endpointFields(),
      secret: described(z.string(), 'The signing secret (whsec_…); shown only in this answer.'),
    })
    .check(z.meta({ id: 'WebhookEndpointWithSecret' })),
);

export const WebhookEndpointListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(WebhookEndpointSchema), nextCursor: z.nullable(z.string()) })
    .check(z.meta({ id: 'WebhookEndpointList' })),
);

export const DeliveryAttemptSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      eventId: z.string(),
      eventType: z.enum(EVENT_TYPES),
      attempt: z.int(),
      at: z.iso.datetime(),
      outcome: z.enum(['delivered', 'failed', 'gave_up', 'endpoint_gone']),
      statusCode: z.nullable(z.int()),
      durationMs: z.int(),
      error: z.optional(z.string()),
      nextAttemptAt: z.optional(z.iso.datetime()),
    })
    .check(z.meta({ id: 'WebhookDeliveryAttempt' })),
);
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DeliveryAttemptListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(DeliveryAttemptSchema), nextCursor: z.nullable(z.string()) })
    .check(z.meta({ id: 'WebhookDeliveryAttemptList' })),
);

/** One event of the feed, as webhooks and the bus carry it. */
export const EventSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: described(z.string(), 'evt_…: the Standard Webhooks `webhook-id`.'),
      type: z.enum(EVENT_TYPES),
      timestamp: z.iso.datetime(),
      data: described(z.record(z.string(), z.unknown()), 'The resource as the API shows it.'),
    })
    .check(z.meta({ id: 'Event' })),
);

export const EventPageSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      items: z.array(EventSchema),
      nextCursor: described(
        z.nullable(z.string()),
        'Pass as `after` to continue (also when the page was empty).',
      ),
    })
    .check(z.meta({ id: 'EventPage' })),
);

export const OrderEventsSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      items: described(
        z.array(EventSchema),
        "Every event written in the order's own record, oldest first (its refunds' events are under the refund).",
      ),
    })
    .check(z.meta({ id: 'OrderEvents' })),
);

export const EventsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.optional(z.enum(EVENT_TYPES)),
    after: z.optional(pageCursor),
    limit: pageLimit(50),
  }),
);

export const RedeliverRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      endpointId: described(
        z.optional(endpointIdPattern()),
        'Only this endpoint; by default every enabled endpoint subscribed to the type.',
      ),
    })
    .check(z.meta({ id: 'RedeliverRequest' })),
);

export const EventIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.regex(/^evt_[A-Za-z0-9_-]+$/, 'Not an event id.')),
  }),
);
