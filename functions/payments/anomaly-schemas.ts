// zod/mini (decision 57): list-anomalies and resolve-anomaly validate with these and load no
// classic zod; /openapi.json is generated from them all the same.
import * as z from 'zod/mini';
import { ANOMALY_TYPES } from '#model/anomaly';
import { described, pagingFields, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';

export const ListAnomaliesQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.optional(z.enum(ANOMALY_TYPES)),
    status: described(
      z.optional(z.enum(['open', 'resolved'])),
      'Only open (or only resolved) anomalies; a page may then hold fewer than `limit`.',
    ),
    ...pagingFields(25),
  }),
);

export const AnomalySchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      type: z.enum(ANOMALY_TYPES),
      detectedAt: z.iso.datetime(),
      detail: z.string(),
      cip: z.optional(z.string()),
      operationNumber: z.optional(z.string()),
      optionId: z
        .optional(z.string())
        .check(z.meta({ description: 'The payment option it came by (wallet).' })),
      provider: z.optional(z.string()).check(z.meta({ description: 'Who took the money.' })),
      orderId: z.optional(z.string()),
      amount: z.optional(z.int()),
      currency: z.optional(z.string()),
      notificationId: described(
        z.optional(z.string()),
        'The PSP notification it came from: its id (the SHA-256 of the body, as our answer to the PSP said).',
      ),
      webhookId: z.optional(z.string()).check(
        z.meta({
          deprecated: true,
          description:
            'Deprecated: the same value as `notificationId`, its former name. Read `notificationId`.',
        }),
      ),
      source: z.enum(['webhook', 'poll', 'settlement']),
      settlementId: described(z.optional(z.string()), 'The settlement report that showed it.'),
      line: described(z.optional(z.int()), 'The line of that report.'),
      refundId: described(
        z.optional(z.string()),
        "The refund requested for its money (a double payment's refund proposal); resolved when it is paid out.",
      ),
      heldInSuspense: described(
        z.optional(z.boolean()),
        "Whether its cash is held in suspense with it: only then is it refunded by naming it (`anomalyId` on a refund). One that holds none (a contested payment, whose cash is the order's) is refunded through the order, if at all.",
      ),
      resolvedAt: z.optional(z.iso.datetime()),
      /** The API key that resolved it, and what was done (refund reference, order accepted, …). */
      resolvedBy: z.optional(z.string()),
      resolution: z.optional(z.string()),
    })
    .check(z.meta({ id: 'Anomaly' })),
);

export const AnomalyIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.maxLength(300), z.regex(/^[a-z_]+:[\w:.-]+$/, 'Not an anomaly id.')),
  }),
);

export const ResolveAnomalyRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      resolution: described(
        plainText({ min: 3, max: 1000, multiline: true }),
        'What was done about it, for the audit trail (e.g. "refunded by transfer T-123").',
      ),
    })
    .check(z.meta({ id: 'ResolveAnomalyRequest' })),
);

export const AnomalyListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(AnomalySchema), nextCursor: z.nullable(z.string()) })
    .check(z.meta({ id: 'AnomalyList' })),
);
