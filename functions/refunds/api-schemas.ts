import * as z from 'zod';
import { cciProblem } from '#ledger/cci';
import { CURRENCIES } from '#orders/money';
import { DOCUMENT_TYPES } from '#orders/order';
import { pageCursor, pageLimit, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';
import { REFUND_REASONS, REFUND_STATUSES } from './refund';

const sellerId = /* @__PURE__ */ schema(() =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/),
);

export const BankAccountSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      type: z.literal('bank_account'),
      cci: z
        .string()
        .regex(/^\d{20}$/, 'A CCI has exactly 20 digits.')
        .superRefine((cci, ctx) => {
          const problem = cciProblem(cci);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .meta({ description: 'Interbank account code (20 digits, check digits verified).' }),
      holderName: plainText({ min: 2, max: 120 }),
      documentType: z.enum(DOCUMENT_TYPES),
      documentNumber: z.string().regex(/^[A-Za-z0-9]{4,14}$/, 'Use 4-14 letters or digits.'),
      bank: z.optional(plainText({ max: 60 })),
    })
    .meta({ id: 'RefundDestination' }),
);

export const CreateRefundRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      amount: z.number().int('Use integer minor units.').positive().max(100_000_000),
      reason: z.enum(REFUND_REASONS),
      allocations: z
        .array(z.strictObject({ sellerId, amount: z.number().int().positive().max(100_000_000) }))
        .min(1)
        .max(20)
        .optional()
        .meta({ description: 'Who bears the refund; default: pro rata to the splits (largest remainder).' }),
      refundFee: z.boolean().optional().meta({
        description:
          'true (default): the platform gives back its commission pro rata, sellers bear the rest; false: sellers bear the whole amount.',
      }),
      destination: BankAccountSchema,
      note: z.optional(plainText({ max: 500, multiline: true })),
      anomalyId: z
        .string()
        .min(3)
        .max(200)
        .regex(/^[a-z_]+:[0-9A-Za-z:._-]+$/, 'Not an anomaly id.')
        .optional()
        .meta({
          description:
            'Required for `duplicate_payment` / `overpayment`: the anomaly holding the extra money (refunded from suspense, up to its amount).',
        }),
    })
    .superRefine((request, ctx) => {
      if (
        (request.reason === 'duplicate_payment' || request.reason === 'overpayment') &&
        !request.anomalyId
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['anomalyId'],
          message: 'Name the anomaly that holds the extra money.',
        });
      }
    })
    .meta({ id: 'CreateRefundRequest' }),
);
export type CreateRefundRequest = z.infer<typeof CreateRefundRequestSchema>;

export const RejectRefundRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ reason: plainText({ min: 3, max: 500, multiline: true }) })
    .meta({ id: 'RejectRefundRequest' }),
);
export const MarkRefundPaidRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      transferReference: plainText({ min: 1, max: 100 }),
      paidAt: z.iso.datetime({ offset: true }),
      proofNote: z.optional(plainText({ max: 500, multiline: true })),
    })
    .meta({ id: 'MarkRefundPaidRequest' }),
);
export const MarkRefundFailedRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ reason: plainText({ min: 3, max: 500, multiline: true }) })
    .meta({ id: 'MarkRefundFailedRequest' }),
);

export const RefundIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().regex(/^rf_[0-9A-Z]{26}$/, 'Not a refund id.'),
  }),
);
export const ListRefundsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    status: z.enum(REFUND_STATUSES).optional(),
    orderId: z
      .string()
      .regex(/^ord_[0-9A-Z]{26}$/, 'Not an order id.')
      .optional(),
    limit: pageLimit(25),
    cursor: z.optional(pageCursor),
  }),
);

const by = /* @__PURE__ */ schema(() => z.object({ keyId: z.string(), keyName: z.string() }));

export const RefundSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      orderId: z.string(),
      status: z.enum(REFUND_STATUSES),
      amount: z.number().int(),
      currency: z.enum(CURRENCIES),
      reason: z.enum(REFUND_REASONS),
      refundFee: z.boolean(),
      allocations: z.array(
        z.object({
          sellerId: z.string(),
          amount: z.number().int(),
          fee: z.number().int().meta({ description: 'The part of `amount` the platform bears.' }),
        }),
      ),
      destination: z.object({
        type: z.literal('bank_account'),
        cci: z.string().meta({ description: 'Masked: all but the last 4 digits.' }),
        holderName: z.string(),
        documentType: z.enum(DOCUMENT_TYPES),
        documentNumber: z.string(),
        bank: z.string().optional(),
      }),
      note: z.string().optional(),
      anomalyId: z
        .string()
        .optional()
        .meta({ description: 'The duplicate/extra payment this refund returns.' }),
      order: z.object({ id: z.string(), reference: z.string(), status: z.string() }),
      payment: z.object({
        cip: z.string(),
        operationNumber: z.string().nullable(),
        amount: z.number().int(),
        paidAt: z.iso.datetime(),
        source: z.string(),
        notificationId: z
          .string()
          .optional()
          .meta({ description: 'The raw notification (webhook) it came by.' }),
      }),
      requestedBy: by,
      history: z.array(
        z.object({
          status: z.enum(REFUND_STATUSES),
          at: z.iso.datetime(),
          by,
          reason: z.string().optional(),
          transferReference: z.string().optional(),
          paidAt: z.string().optional(),
          proofNote: z.string().optional(),
        }),
      ),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      version: z.number().int(),
    })
    .meta({ id: 'Refund' }),
);

export const RefundListSchema = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(RefundSchema), nextCursor: z.string().nullable() }).meta({ id: 'RefundList' }),
);
