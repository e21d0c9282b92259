// zod/mini (decision 57): what the settlement routes validate; the function loads no classic zod.
// The responses' schemas (api-schemas.ts) only document them.
import * as z from 'zod/mini';
import { LINE_OUTCOMES } from '#model/settlement';
import { described, pagingFields } from '#platform/api-fields';
import { schema } from '#platform/schema';

/** Reports up to this size are posted to the API; larger ones go through an S3 upload. */
export const MAX_REPORT_BYTES = 4_000_000;

export const SettlementIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.regex(/^stl_[0-9a-f]{32}$/, 'Not a settlement id.')),
  }),
);

export const ImportSettlementQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    partial: described(
      z.pipe(
        z.optional(z.enum(['true', 'false'])),
        z.transform((value) => value === 'true'),
      ),
      'Reconcile the readable lines and list the others as `invalid_line`, instead of refusing the report.',
    ),
    fileName: described(
      z.optional(
        z
          .string()
          .check(z.maxLength(200), z.regex(/^[\w .()-]+$/, 'Letters, digits, spaces and . _ ( ) - only.')),
      ),
      'The report file name, kept for people.',
    ),
  }),
);

export const UploadRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      fileName: z
        .string()
        .check(z.maxLength(200), z.regex(/^[\w .()-]+\.(csv|xlsx)$/i, 'A .csv or .xlsx file name.')),
      partial: z._default(z.optional(z.boolean()), false),
    })
    .check(z.meta({ id: 'SettlementUploadRequest' })),
);

export const ListSettlementsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    ...pagingFields(25),
  }),
);

export const ListLinesQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    outcome: z.optional(z.enum(LINE_OUTCOMES)),
    ...pagingFields(100, 1000),
  }),
);
