import { z } from 'zod';

export const ANOMALY_TYPES = [
  'unknown_cip',
  'amount_mismatch',
  'currency_mismatch',
  'duplicate_payment',
  'unknown_event_type',
  'unparsable_notification',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export const ListAnomaliesQuerySchema = z.object({
  type: z.enum(ANOMALY_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

export const AnomalySchema = z
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
    source: z.enum(['webhook', 'poll']),
  })
  .meta({ id: 'Anomaly' });
export type Anomaly = z.infer<typeof AnomalySchema>;

export const AnomalyListSchema = z
  .object({ items: z.array(AnomalySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AnomalyList' });
