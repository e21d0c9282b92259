import * as z from 'zod';
import { LINE_OUTCOMES } from '#model/settlement';
import { schema } from '#platform/schema';

const amounts = /* @__PURE__ */ schema(() =>
  z.object({
    gross: z.number().int(),
    commission: z.number().int(),
    tax: z.number().int(),
    net: z.number().int(),
  }),
);

export const SettlementSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      status: z.enum(['IMPORTING', 'COMPLETED']),
      fileName: z.string(),
      fileSha256: z.string(),
      format: z.enum(['csv', 'xlsx']),
      partial: z.boolean(),
      importedAt: z.iso.datetime(),
      importedBy: z.string(),
      completedAt: z.iso.datetime().optional(),
      settledOn: z.iso.date(),
      lines: z.number().int(),
      processedThrough: z.number().int(),
      // Every outcome a property of its own (not a record keyed by an enum, which OpenAPI can only
      // say through propertyNames): generated clients get a typed field per outcome.
      counts: z.strictObject(
        Object.fromEntries(LINE_OUTCOMES.map((outcome) => [outcome, z.number().int()])) as Record<
          (typeof LINE_OUTCOMES)[number],
          z.ZodNumber
        >,
      ),
      totals: z
        .record(z.string(), amounts)
        .meta({ description: 'What the report says, per currency (minor units).' }),
      expected: z.record(z.string(), amounts).meta({
        description:
          'What our orders and the contracted commission say the same lines should be, per currency: each line’s in its order’s currency.',
      }),
      difference: z.record(z.string(), amounts).meta({ description: '`totals` − `expected`, per currency.' }),
      lastError: z
        .object({ at: z.iso.datetime(), processedThrough: z.number().int(), reason: z.string() })
        .optional()
        .meta({
          description:
            'Why the last import attempt stopped early (only while IMPORTING): POST the same file again to resume it.',
        }),
    })
    .meta({ id: 'Settlement' }),
);

export const SettlementLineSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      line: z.number().int(),
      outcome: z.enum(LINE_OUTCOMES),
      detail: z.string(),
      cip: z.string().optional(),
      operationNumber: z.string().optional(),
      transactionCode: z.string().optional(),
      currency: z.string().optional(),
      gross: z.number().int().optional(),
      commission: z.number().int().optional(),
      tax: z.number().int().optional(),
      net: z.number().int().optional(),
      paidAt: z.iso.datetime().optional(),
      settledOn: z.iso.date().optional(),
      channel: z.string().optional(),
      orderId: z.string().optional(),
      expected: amounts.optional(),
      expectedCurrency: z.string().optional().meta({
        description:
          'The currency of `expected`: the order’s (on a `currency_mismatch` line, not `currency`).',
      }),
      anomalyId: z.string().optional(),
      suspenseAnomalyId: z.string().optional().meta({
        description:
          'The payment anomaly that held this payment’s cash in suspense (a payment that changed no order): the line booked its arrival — `bank` and the PSP’s fees against `psp_receivable` — and left the order, its sellers and `suspense` as they were. Absent where nothing of ours held it, or an earlier line already booked it.',
      }),
      problems: z.array(z.object({ column: z.string(), message: z.string() })).optional(),
    })
    .meta({ id: 'SettlementLine' }),
);

export const SettlementListSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(SettlementSchema), nextCursor: z.string().nullable() })
    .meta({ id: 'SettlementList' }),
);
export const SettlementLinePageSchema = /* @__PURE__ */ schema(() =>
  z
    .object({ items: z.array(SettlementLineSchema), nextCursor: z.string().nullable() })
    .meta({ id: 'SettlementLinePage' }),
);

export const SettlementUploadSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      uploadUrl: z.url(),
      method: z.literal('PUT'),
      headers: z
        .record(z.string(), z.string())
        .meta({ description: 'Send exactly these headers with the PUT.' }),
      key: z.string(),
      expiresAt: z.iso.datetime(),
    })
    .meta({ id: 'SettlementUpload' }),
);
