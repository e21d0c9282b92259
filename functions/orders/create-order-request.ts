// zod/mini (decision 57): create-order validates with it and loads no classic zod.
import * as z from 'zod/mini';
import { PAYMENT_METHODS } from '#contract/service';
import { documentNumberProblem } from '#model/documents';
import { CURRENCIES } from '#model/money';
import { DOCUMENT_TYPES } from '#model/order';
import {
  DEFAULT_EXPIRY_MINUTES,
  MAX_AMOUNT_MINOR,
  MAX_EXPIRY_MINUTES,
  MAX_SPLITS,
  MIN_EXPIRY_MINUTES,
} from '#model/order-limits';
import { externalId, flagRepeatedSellers, mapKey, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';

/** `POST /v1/orders`: what a marketplace sends to create an order and its voucher. */

const minorUnits = /* @__PURE__ */ schema(() =>
  z
    .number()
    .check(
      z.int('Use integer minor units (15000 = 150.00).'),
      z.positive(),
      z.lte(MAX_AMOUNT_MINOR),
      z.meta({ description: 'Integer minor units: 15000 = S/ 150.00' }),
    ),
);

export const BuyerSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      email: z.email().check(z.maxLength(120)),
      firstName: plainText({ min: 1, max: 100 }),
      lastName: plainText({ min: 1, max: 100 }),
      documentType: z.enum(DOCUMENT_TYPES),
      documentNumber: z.string().check(z.trim(), z.maxLength(20)),
      phone: z.optional(
        z.string().check(z.regex(/^\+?\d{6,15}$/, 'Use 6-15 digits, optionally starting with +.')),
      ),
    })
    .check(
      z.superRefine((buyer, ctx) => {
        const problem = documentNumberProblem(buyer.documentType, buyer.documentNumber);
        if (problem) ctx.addIssue({ code: 'custom', path: ['documentNumber'], message: problem });
      }),
      z.meta({ id: 'Buyer' }),
    ),
);

export const SplitSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      sellerId: externalId,
      amount: minorUnits,
      fee: z
        .number()
        .check(
          z.int(),
          z.gte(0),
          z.meta({ description: 'Marketplace fee in minor units, at most `amount`.' }),
        ),
    })
    .check(z.meta({ id: 'Split' })),
);

export const CreateOrderRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      reference: externalId.check(z.meta({ description: "The marketplace's own order id; unique." })),
      currency: z.enum(CURRENCIES),
      amount: minorUnits,
      concept: plainText({ min: 1, max: 200 }),
      buyer: BuyerSchema,
      splits: z.array(SplitSchema).check(z.minLength(1), z.maxLength(MAX_SPLITS)),
      expiresInMinutes: z._default(
        z.number().check(z.int(), z.gte(MIN_EXPIRY_MINUTES), z.lte(MAX_EXPIRY_MINUTES)),
        DEFAULT_EXPIRY_MINUTES,
      ),
      metadata: z._default(
        z
          .record(mapKey, plainText({ max: 500 }))
          .check(z.refine((value) => Object.keys(value).length <= 20, 'At most 20 metadata keys.')),
        {},
      ),
      paymentMethods: z
        .optional(
          z.array(z.enum(PAYMENT_METHODS)).check(
            z.minLength(1),
            z.maxLength(PAYMENT_METHODS.length),
            z.refine((methods) => new Set(methods).size === methods.length, 'Name each method once.'),
          ),
        )
        .check(
          z.meta({
            description:
              "How the buyer may pay: a cash voucher (CIP) and/or a mobile wallet (Yape, Plin, …). Absent: the stage's default (cash on AWS stages; cash and wallet on the local stack). A wallet that cannot be offered leaves the order with cash and the wallet option `unavailable`; asking for `wallet` alone then answers 422 with the reason.",
          }),
        ),
      risk: z
        .optional(
          z.strictObject({
            ip: z
              .optional(z.union([z.ipv4(), z.ipv6()]))
              .check(z.meta({ description: "The buyer's IP address, as your frontend saw it." })),
            deviceId: z.optional(
              z
                .string()
                .check(z.regex(/^[\w.:-]{1,128}$/, 'Use 1-128 letters, digits, ".", "_", ":" or "-".')),
            ),
            userAgent: z.optional(plainText({ max: 512 })),
          }),
        )
        .check(
          z.meta({
            description: "What you know of the buyer's session, for the stage's risk rules (docs/risk.md).",
          }),
        ),
    })
    .check(
      z.superRefine((order, ctx) => {
        const total = order.splits.reduce((sum, split) => sum + split.amount, 0);
        if (total !== order.amount) {
          ctx.addIssue({
            code: 'custom',
            path: ['splits'],
            message: `Split amounts add up to ${total}, not the order amount ${order.amount}.`,
          });
        }
        order.splits.forEach((split, index) => {
          if (split.fee > split.amount) {
            ctx.addIssue({
              code: 'custom',
              path: ['splits', index, 'fee'],
              message: 'A fee cannot exceed its split amount.',
            });
          }
        });
        flagRepeatedSellers(ctx, 'splits', order.splits, 'Each seller appears in one split only.');
      }),
      z.meta({ id: 'CreateOrderRequest' }),
    ),
);

export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;
