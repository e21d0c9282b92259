import * as z from 'zod';
import { CURRENCIES } from '#model/money';
import { DOCUMENT_TYPES } from '#model/order';
import { REFUND_REASONS, REFUND_STATUSES } from '#model/refund';
import { ActorSchema } from '#platform/actor-schema';
import { schema } from '#platform/schema';

const by = ActorSchema;

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
      destination: z.discriminatedUnion('type', [
        z.object({
          type: z.literal('bank_account'),
          cci: z.string().meta({ description: 'Masked: all but the last 4 digits.' }),
          holderName: z.string(),
          documentType: z.enum(DOCUMENT_TYPES),
          documentNumber: z.string(),
          bank: z.string().optional(),
          accountType: z.enum(['checking', 'savings']).optional(),
        }),
        z
          .object({
            type: z.literal('wallet_payment'),
            provider: z.enum(['culqi', 'dlocal']),
            optionId: z.string().meta({ description: 'The wallet payment option the money goes back to.' }),
            providerRef: z.string().meta({ description: "The wallet order's id at the provider." }),
            chargeId: z
              .string()
              .nullable()
              .meta({ description: "The paying charge the provider's refund names (Culqi `charge_id`)." }),
          })
          .meta({
            description:
              "Back to the buyer's wallet through the provider's refund API (a double payment's refund proposal, decision 114).",
          }),
      ]),
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
