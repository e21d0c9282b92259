import * as z from 'zod';
import { CURRENCIES } from '#orders/money';
import { DOCUMENT_TYPES } from '#orders/order';
import { pageCursor, pageLimit, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';
import { BankAccountSchema } from '#refunds/api-schemas';
import { PAYOUT_STATUSES } from './payout';

const sellerId = /* @__PURE__ */ schema(() =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'Use 1-64 letters, digits, ".", "_", ":" or "-".'),
);

/** A seller's bank account: the refunds' destination without its `type` (CCI check digits verified). */
export const PutBankAccountRequestSchema = /* @__PURE__ */ schema(() =>
  BankAccountSchema.omit({ type: true }).meta({
    id: 'PutBankAccountRequest',
  }),
);
export type PutBankAccountRequest = z.infer<typeof PutBankAccountRequestSchema>;

export const BankAccountResponseSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      sellerId: z.string(),
      cci: z.string().meta({ description: 'Masked: all but the last 4 digits.' }),
      holderName: z.string(),
      documentType: z.enum(DOCUMENT_TYPES),
      documentNumber: z.string(),
      bank: z.string().optional(),
      version: z.number().int(),
      changedAt: z.iso.datetime(),
      coolingOffUntil: z.iso
        .datetime()
        .optional()
        .meta({ description: 'A changed account receives no payout before this.' }),
      history: z.array(
        z.object({
          version: z.number().int(),
          cci: z.string(),
          changedAt: z.iso.datetime(),
          changedBy: z.string(),
        }),
      ),
    })
    .meta({ id: 'SellerBankAccount' }),
);

export const CreatePayoutRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      sellerId,
      currency: z.enum(CURRENCIES),
      amount: z
        .number()
        .int('Use integer minor units.')
        .positive()
        .max(1_000_000_000)
        .optional()
        .meta({ description: 'Default: everything available. Never more.' }),
    })
    .meta({ id: 'CreatePayoutRequest' }),
);
export type CreatePayoutRequest = z.infer<typeof CreatePayoutRequestSchema>;

export const PayoutIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().regex(/^po_[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a payout id.'),
  }),
);
export const ListPayoutsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    sellerId: sellerId.optional(),
    status: z.enum(PAYOUT_STATUSES).optional(),
    format: z.enum(['json', 'csv']).optional().default('json').meta({
      description: '`csv`: the bank file for the listed payouts (generic columns; see docs/payouts).',
    }),
    limit: pageLimit(25, 1000),
    cursor: z.optional(pageCursor),
  }),
);
export const RejectPayoutRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ reason: plainText({ min: 3, max: 500, multiline: true }) })
    .meta({ id: 'RejectPayoutRequest' }),
);
export const MarkPayoutPaidRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      transferReference: plainText({ min: 3, max: 100 }),
      paidAt: z.iso.datetime(),
    })
    .meta({ id: 'MarkPayoutPaidRequest' }),
);
export const MarkPayoutFailedRequestSchema = /* @__PURE__ */ schema(() =>
  RejectPayoutRequestSchema.meta({
    id: 'MarkPayoutFailedRequest',
  }),
);

const by = /* @__PURE__ */ schema(() => z.object({ keyId: z.string(), keyName: z.string() }));

export const PayoutSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      sellerId: z.string(),
      currency: z.enum(CURRENCIES),
      amount: z.number().int(),
      status: z.enum(PAYOUT_STATUSES),
      bankAccountVersion: z.number().int(),
      bankAccount: z
        .object({ cci: z.string(), holderName: z.string(), bank: z.string().optional() })
        .optional()
        .meta({ description: 'Where it goes (the CCI masked).' }),
      requestedBy: by,
      history: z.array(
        z.object({
          status: z.enum(PAYOUT_STATUSES),
          at: z.iso.datetime(),
          by,
          reason: z.string().optional(),
          transferReference: z.string().optional(),
          paidAt: z.string().optional(),
        }),
      ),
      items: z
        .array(
          z.object({
            entryId: z.string(),
            at: z.iso.datetime(),
            reason: z.string(),
            amount: z.number().int(),
            orderId: z.string().optional(),
            refundId: z.string().optional(),
          }),
        )
        .optional()
        .meta({
          description:
            'GET /v1/payouts/{id} only: the seller ledger lines that made the available money since the previous payout (settled orders +, refunds after settlement −).',
        }),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      version: z.number().int(),
    })
    .meta({ id: 'Payout' }),
);

export const PayoutListSchema = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(PayoutSchema), nextCursor: z.string().nullable() }).meta({ id: 'PayoutList' }),
);
