import * as z from 'zod/mini';
import { ORDER_STATUSES } from '#model/order';
import { MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES } from '#model/order-limits';
import { described, externalId, pagingFields, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';

/**
 * What the order routes validate, written with zod/mini: without a classic-API schema a function
 * does not load zod's classic API at all (~7 ms of every cold start, decision 57). The OpenAPI
 * document is generated from them the same way (zod's JSON Schema conversion serves both APIs);
 * the responses' schemas are in api-schemas.ts, the create request in create-order-request.ts.
 */

export const OrderIdParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.regex(/^ord_[0-9A-Z]{26}$/, 'Not an order id.')),
  }),
);

export const CipParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    cip: z.string().check(z.regex(/^\d{1,16}$/, 'A CIP is a string of digits.')),
  }),
);

export const ExtendExpiryRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      expiresInMinutes: z
        .int()
        .check(
          z.gte(MIN_EXPIRY_MINUTES),
          z.lte(MAX_EXPIRY_MINUTES),
          z.meta({ description: 'The new deadline, counted from now; it must fall after the current one.' }),
        ),
    })
    .check(z.meta({ id: 'ExtendExpiryRequest' })),
);

export const AddPaymentOptionRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      method: described(
        z.enum(['wallet']),
        "The way to pay to add: a mobile wallet (Yape, Plin, …) through the stage's wallet provider.",
      ),
    })
    .check(z.meta({ id: 'AddPaymentOptionRequest' })),
);

export const ListOrdersQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    reference: described(
      z.optional(externalId),
      'Your own order id: finds the one order created for it (e.g. after a timed-out create).',
    ),
    status: z.optional(z.enum(ORDER_STATUSES)),
    sellerId: z.optional(externalId),
    buyerDocumentNumber: described(
      z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{4,14}$/, 'Use 4-14 letters or digits.'))),
      "A buyer's orders (their document number), newest first: e.g. their open vouchers.",
    ),
    ...pagingFields(25),
  }),
);

export const RiskReviewRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      decision: described(z.enum(['approve', 'reject']), 'reject cancels the order (its CIP is deleted).'),
      note: plainText({ min: 3, max: 1000, multiline: true }),
    })
    .check(z.meta({ id: 'RiskReviewRequest' })),
);

export const OpenReviewsQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    status: z._default(z.optional(z.enum(['open'])), 'open'),
    ...pagingFields(25),
  }),
);
