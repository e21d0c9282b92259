import * as z from 'zod';
import { pageCursor, pageLimit, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';
import { ANOMALY_TYPES } from './anomaly';

export const ListAnomaliesQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.enum(ANOMALY_TYPES).optional(),
    status: z.enum(['open', 'resolved']).optional().meta({
      description: 'Only open (or only resolved) anomalies; a page may then hold fewer than `limit`.',
    }),
    limit: pageLimit(25),
    cursor: pageCursor.optional(),
  }),
);

export const AnomalySchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      type: z.enum(ANOMALY_TYPES),
      detectedAt: z.iso.datetime(),
      detail: z.string(),
      cip: z.string().optional(),
      operationNumber: z.string().optional(),
      orderId: z.string().optional(),
      amount: z.number().int().optional(),
      currency: z.string().optional(),
      webhookId: z.string().optional(),
      source: z.enum(['webhook', 'poll', 'settlement']),
      settlementId: z.string().optional().meta({ description: 'The settlement report that showed it.' }),
      line: z.number().int().optional().meta({ description: 'The line of that report.' }),
      resolvedAt: z.iso.datetime().optional(),
      /** The API key that resolved it, and what was done (refund reference, order accepted, …). */
      resolvedBy: z.string().optional(),
      resolution: z.string().optional(),
    })
    .meta({ id: 'Anomaly' }),
);

export const AnomalyIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z
      .string()
      .max(300)
      .regex(/^[a-z_]+:[\w:.-]+$/, 'Not an anomaly id.'),
  }),
);

export const ResolveAnomalyRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      resolution: plainText({ min: 3, max: 1000, multiline: true }).meta({
        description: 'What was done about it, for the audit trail (e.g. "refunded by transfer T-123").',
      }),
    })
    .meta({ id: 'ResolveAnomalyRequest' }),
);

export const AnomalyListSchema = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(AnomalySchema), nextCursor: z.string().nullable() }).meta({ id: 'AnomalyList' }),
);
