import * as z from 'zod/mini';
import { schema } from '#platform/schema';
import { MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES } from './api-schemas';

/**
 * The order routes' path parameters and the extend request, written with zod/mini: they are all
 * that get-order, get-voucher, cancel-order, fulfil-order, accept-late-payment and extend-expiry
 * validate, and without a classic-API schema those functions do not load zod's classic API at
 * all (~7 ms of every cold start, decision 57). The OpenAPI document is generated from them the
 * same way (zod's JSON Schema conversion is shared by both APIs).
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
