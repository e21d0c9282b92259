// zod/mini (decision 57): what the refund routes (and the bank-account route) validate; the
// refunds function loads no classic zod for them. The Refund response schema is in api-schemas.ts.
import * as z from 'zod/mini';
import { cciProblem } from '#model/cci';
import { documentNumberProblem } from '#model/documents';
import { DOCUMENT_TYPES } from '#model/order';
import { REFUND_REASONS, REFUND_STATUSES } from '#model/refund';
import {
  described,
  externalId,
  flagRepeatedSellers,
  pagingFields,
  pastInstant,
  plainText,
} from '#platform/api-fields';
import { schema } from '#platform/schema';

const sellerId = externalId;

/**
 * A bank account's fields (CCI check digits verified): the refunds' destination, and a seller's
 * account. The holder may be a company (RUC) or a foreign resident (CE); the number is checked
 * against its type (`bankAccountDocumentCheck`).
 */
export const bankAccountFields = () => ({
  cci: described(
    z.string().check(
      z.regex(/^\d{20}$/, 'A CCI has exactly 20 digits.'),
      z.superRefine((cci, ctx) => {
        const problem = cciProblem(cci);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
    'Interbank account code (20 digits, check digits verified).',
  ),
  holderName: plainText({ min: 2, max: 120 }),
  documentType: z.enum(DOCUMENT_TYPES),
  documentNumber: z.string().check(z.regex(/^[A-Za-z0-9]{4,14}$/, 'Use 4-14 letters or digits.')),
  bank: z.optional(plainText({ max: 60 })),
});

/** The holder's document number is valid for its type (a RUC's check digit, a DNI's 8 digits…). */
export const bankAccountDocumentCheck = () =>
  z.superRefine((account: { documentType: (typeof DOCUMENT_TYPES)[number]; documentNumber: string }, ctx) => {
    const problem = documentNumberProblem(account.documentType, account.documentNumber);
    if (problem) ctx.addIssue({ code: 'custom', path: ['documentNumber'], message: problem });
  });

export const BankAccountSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      type: z.literal('bank_account'),
      ...bankAccountFields(),
      accountType: described(
        z.optional(z.enum(['checking', 'savings'])),
        "Checking or savings. Where the provider pays refunds itself (dLocal) it is sent as the provider's account-type code; without it, dLocal asks the buyer by e-mail.",
      ),
    })
    .check(bankAccountDocumentCheck(), z.meta({ id: 'RefundDestination' })),
);

const minor = () => z.number().check(z.int(), z.positive(), z.lte(100_000_000));

export const CreateRefundRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      amount: z.number().check(z.int('Use integer minor units.'), z.positive(), z.lte(100_000_000)),
      reason: z.enum(REFUND_REASONS),
      allocations: described(
        z.optional(
          z.array(z.strictObject({ sellerId, amount: minor() })).check(z.minLength(1), z.maxLength(20)),
        ),
        'Who bears the refund; default: pro rata to the splits (largest remainder).',
      ),
      refundFee: described(
        z.optional(z.boolean()),
        'true (default): the platform gives back its commission pro rata, sellers bear the rest; false: sellers bear the whole amount.',
      ),
      destination: BankAccountSchema,
      note: z.optional(plainText({ max: 500, multiline: true })),
      anomalyId: described(
        z.optional(
          z
            .string()
            .check(
              z.minLength(3),
              z.maxLength(200),
              z.regex(/^[a-z_]+:[0-9A-Za-z:._-]+$/, 'Not an anomaly id.'),
            ),
        ),
        'Required for `duplicate_payment` / `overpayment`: the anomaly holding the extra money (refunded from suspense, up to its amount).',
      ),
    })
    .check(
      z.superRefine((request, ctx) => {
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
        // One line per seller: a seller named twice would bear two shares of its split (each
        // checked alone against what is left of it) and be booked once.
        flagRepeatedSellers(
          ctx,
          'allocations',
          request.allocations,
          'This seller is already named in allocations: give one line per seller.',
        );
      }),
      z.meta({ id: 'CreateRefundRequest' }),
    ),
);
export type CreateRefundRequest = z.infer<typeof CreateRefundRequestSchema>;

const reasonRequest = (id: string) =>
  z.strictObject({ reason: plainText({ min: 3, max: 500, multiline: true }) }).check(z.meta({ id }));

export const RejectRefundRequestSchema = /* @__PURE__ */ schema(() => reasonRequest('RejectRefundRequest'));
export const MarkRefundPaidRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      transferReference: plainText({ min: 1, max: 100 }),
      paidAt: pastInstant(),
      proofNote: z.optional(plainText({ max: 500, multiline: true })),
    })
    .check(z.meta({ id: 'MarkRefundPaidRequest' })),
);
export const MarkRefundFailedRequestSchema = /* @__PURE__ */ schema(() =>
  reasonRequest('MarkRefundFailedRequest'),
);

export const RefundIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.regex(/^rf_[0-9A-Z]{26}$/, 'Not a refund id.')),
  }),
);
export const ListRefundsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    status: z.optional(z.enum(REFUND_STATUSES)),
    orderId: z.optional(z.string().check(z.regex(/^ord_[0-9A-Z]{26}$/, 'Not an order id.'))),
    ...pagingFields(25),
  }),
);
