import * as z from 'zod';
import { pageCursor, pageLimit } from '#platform/api-fields';
import { schema } from '#platform/schema';
import { LINE_OUTCOMES } from './settlement';

/** Reports up to this size are posted to the API; larger ones go through an S3 upload. */
export const MAX_REPORT_BYTES = 4_000_000;

export const SettlementIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().regex(/^stl_[0-9a-f]{32}$/, 'Not a settlement id.'),
  }),
);

export const ImportSettlementQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    partial: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => value === 'true')
      .meta({
        description:
          'Reconcile the readable lines and list the others as `invalid_line`, instead of refusing the report.',
      }),
    fileName: z
      .string()
      .max(200)
      .regex(/^[\w .()-]+$/, 'Letters, digits, spaces and . _ ( ) - only.')
      .optional()
      .meta({ description: 'The report file name, kept for people.' }),
  }),
);

export const UploadRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      fileName: z
        .string()
        .max(200)
        .regex(/^[\w .()-]+\.(csv|xlsx)$/i, 'A .csv or .xlsx file name.'),
      partial: z.boolean().optional().default(false),
    })
    .meta({ id: 'SettlementUploadRequest' }),
);

export const ListSettlementsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    limit: pageLimit(25),
    cursor: z.optional(pageCursor),
  }),
);

export const ListLinesQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    outcome: z.enum(LINE_OUTCOMES).optional(),
    limit: pageLimit(100, 1000),
    cursor: z.optional(pageCursor),
  }),
);

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
      counts: z.record(z.enum(LINE_OUTCOMES), z.number().int()),
      totals: z
        .record(z.string(), amounts)
        .meta({ description: 'What the report says, per currency (minor units).' }),
      expected: z
        .record(z.string(), amounts)
        .meta({ description: 'What our orders and the contracted commission say the same lines should be.' }),
      difference: z.record(z.string(), amounts).meta({ description: '`totals` − `expected`, per currency.' }),
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
      anomalyId: z.string().optional(),
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
