import * as z from 'zod';
import { EVENT_TYPES } from '#events/event-types';
import { pageCursor, pageLimit, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';

const endpointUrl = /* @__PURE__ */ schema(() => z.string().min(1).max(2048));
const subscribedEvents = /* @__PURE__ */ schema(() =>
  z
    .array(z.enum(EVENT_TYPES))
    .min(1)
    .max(EVENT_TYPES.length)
    .refine((events) => new Set(events).size === events.length, 'List each event type once.'),
);
const endpointDescription = /* @__PURE__ */ schema(() => plainText({ max: 200 }));

export const CreateEndpointRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ url: endpointUrl, events: subscribedEvents, description: endpointDescription.optional() })
    .meta({ id: 'CreateWebhookEndpointRequest' }),
);
export type CreateEndpointRequest = z.infer<typeof CreateEndpointRequestSchema>;

export const UpdateEndpointRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      url: endpointUrl.optional(),
      events: subscribedEvents.optional(),
      description: endpointDescription.optional(),
      enabled: z.boolean().optional().meta({
        description: 'true re-enables a disabled endpoint (after 410 or days of failures); false pauses it.',
      }),
    })
    .refine(
      (changes) => Object.keys(changes).length > 0,
      'Send at least one of url, events, description, enabled.',
    )
    .meta({ id: 'UpdateWebhookEndpointRequest' }),
);
export type UpdateEndpointRequest = z.infer<typeof UpdateEndpointRequestSchema>;

export const EndpointIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().regex(/^we_[0-9A-Z]{26}$/, 'Not an endpoint id.'),
  }),
);

export const PageQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    limit: pageLimit(25),
    cursor: pageCursor.optional(),
  }),
);

export const WebhookEndpointSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      url: z.string(),
      description: z.string().optional(),
      events: z.array(z.enum(EVENT_TYPES)),
      status: z.enum(['enabled', 'disabled']),
      disabledReason: z.string().optional(),
      createdAt: z.iso.datetime(),
      failingSince: z.iso.datetime().optional(),
      lastSuccessAt: z.iso.datetime().optional(),
      previousSecretExpiresAt: z.iso.datetime().optional(),
    })
    .meta({ id: 'WebhookEndpoint' }),
);
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** Create and rotate-secret answer the endpoint with its signing secret: shown this once. */
export const WebhookEndpointWithSecretSchema = /* @__PURE__ */ schema(() =>
  WebhookEndpointSchema.extend({
    secret: z.string().meta({ description: 'The signing secret (whsec_…); shown only in this answer.' }),
  }).meta({ id: 'WebhookEndpointWithSecret' }),
);

export const WebhookEndpointListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(WebhookEndpointSchema), nextCursor: z.string().nullable() })
    .meta({ id: 'WebhookEndpointList' }),
);

export const DeliveryAttemptSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      eventId: z.string(),
      eventType: z.enum(EVENT_TYPES),
      attempt: z.number().int(),
      at: z.iso.datetime(),
      outcome: z.enum(['delivered', 'failed', 'gave_up', 'endpoint_gone']),
      statusCode: z.number().int().nullable(),
      durationMs: z.number().int(),
      error: z.string().optional(),
      nextAttemptAt: z.iso.datetime().optional(),
    })
    .meta({ id: 'WebhookDeliveryAttempt' }),
);
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DeliveryAttemptListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(DeliveryAttemptSchema), nextCursor: z.string().nullable() })
    .meta({ id: 'WebhookDeliveryAttemptList' }),
);

/** One event of the feed, as webhooks and the bus carry it. */
export const EventSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string().meta({ description: 'evt_…: the Standard Webhooks `webhook-id`.' }),
      type: z.enum(EVENT_TYPES),
      timestamp: z.iso.datetime(),
      data: z.record(z.string(), z.unknown()).meta({ description: 'The resource as the API shows it.' }),
    })
    .meta({ id: 'Event' }),
);

export const EventPageSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      items: z.array(EventSchema),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: 'Pass as `after` to continue (also when the page was empty).' }),
    })
    .meta({ id: 'EventPage' }),
);

export const EventsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.enum(EVENT_TYPES).optional(),
    after: pageCursor.optional(),
    limit: pageLimit(50),
  }),
);

export const RedeliverRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      endpointId: z
        .string()
        .regex(/^we_[0-9A-Z]{26}$/, 'Not an endpoint id.')
        .optional()
        .meta({
          description: 'Only this endpoint; by default every enabled endpoint subscribed to the type.',
        }),
    })
    .meta({ id: 'RedeliverRequest' }),
);

export const EventIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().regex(/^evt_[A-Za-z0-9_-]+$/, 'Not an event id.'),
  }),
);
