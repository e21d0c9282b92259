// zod/mini (decision 57): what the payout and bank-account routes validate; the payouts function
// loads no classic zod for them. The responses' schemas are in api-schemas.ts.
import * as z from 'zod/mini';
import { CURRENCIES } from '#model/money';
import { PAYOUT_STATUSES } from '#model/payout';
import { described, externalId, pagingFields, pastInstant, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';
import { bankAccountDocumentCheck, bankAccountFields } from '#refunds/request-schemas';

/** A seller id: what marketplaces name their sellers with (as in an order's splits). */
const sellerId = externalId;

/** A seller's bank account: the refunds' destination without its `type` (CCI check digits verified). */
export const PutBankAccountRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject(bankAccountFields())
    .check(bankAccountDocumentCheck(), z.meta({ id: 'PutBankAccountRequest' })),
);
export type PutBankAccountRequest = z.infer<typeof PutBankAccountRequestSchema>;

export const CreatePayoutRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      sellerId,
      currency: z.enum(CURRENCIES),
      amount: described(
        z.optional(z.number().check(z.int('Use integer minor units.'), z.positive(), z.lte(1_000_000_000))),
        'Default: everything available. Never more.',
      ),
    })
    .check(z.meta({ id: 'CreatePayoutRequest' })),
);
export type CreatePayoutRequest = z.infer<typeof CreatePayoutRequestSchema>;

export const PayoutIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.regex(/^po_[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a payout id.')),
  }),
);
export const ListPayoutsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    sellerId: z.optional(sellerId),
    status: z.optional(z.enum(PAYOUT_STATUSES)),
    format: described(
      z._default(z.optional(z.enum(['json', 'csv'])), 'json'),
      '`csv`: the bank file for the listed payouts (generic columns; see docs/ledger.md, "Payouts").',
    ),
    ...pagingFields(25, 1000),
  }),
);
export const RejectPayoutRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ reason: plainText({ min: 3, max: 500, multiline: true }) })
    .register(z.globalRegistry, { id: 'RejectPayoutRequest' }),
);
export const MarkPayoutPaidRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      transferReference: plainText({ min: 3, max: 100 }),
      paidAt: pastInstant(),
    })
    .check(z.meta({ id: 'MarkPayoutPaidRequest' })),
);
/** The same body as a rejection, documented as a reference to it (a clone keeps its parent). */
export const MarkPayoutFailedRequestSchema = /* @__PURE__ */ schema(() =>
  RejectPayoutRequestSchema.clone().register(z.globalRegistry, { id: 'MarkPayoutFailedRequest' }),
);
