import * as z from 'zod';
import { CURRENCIES } from '#model/money';
import { DOCUMENT_TYPES } from '#model/order';
import { PAYOUT_STATUSES } from '#model/payout';
import { ActorSchema } from '#platform/actor-schema';
import { schema } from '#platform/schema';

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
      coolingOffUntil: z.iso.datetime().optional().meta({
        description:
          'The account receives no payout before this: every account, the first one too, cools off after it is set.',
      }),
      history: z.array(
        z.object({
          version: z.number().int(),
          cci: z.string(),
          changedAt: z.iso.datetime(),
          changedBy: z.string(),
          changedByPrincipal: z.string().optional().meta({
            description:
              'The person (key principal) who set this version; they may not approve payouts to it.',
          }),
        }),
      ),
    })
    .meta({ id: 'SellerBankAccount' }),
);

const by = ActorSchema;

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
