import * as z from 'zod';
import { mapKey, plainText } from '#platform/api-fields';
import { schema } from '#platform/schema';
import {
  DEFAULT_EXPIRY_MINUTES,
  MAX_AMOUNT_MINOR,
  MAX_EXPIRY_MINUTES,
  MAX_SPLITS,
  MIN_EXPIRY_MINUTES,
} from './api-schemas';
import { CURRENCIES } from './money';
import { DOCUMENT_TYPES } from './order';
import { externalId } from './request-schemas';

/** `POST /v1/orders`: what a marketplace sends to create an order and its voucher. */

const minorUnits = /* @__PURE__ */ schema(() =>
  z
    .number()
    .int('Use integer minor units (15000 = 150.00).')
    .positive()
    .max(MAX_AMOUNT_MINOR)
    .meta({ description: 'Integer minor units: 15000 = S/ 150.00' }),
);

const DOCUMENT_NUMBER_RULES: Record<(typeof DOCUMENT_TYPES)[number], RegExp> = {
  DNI: /^\d{8}$/,
  PAS: /^[A-Za-z0-9]{5,14}$/,
  LMI: /^\d{8}$/,
  PAR: /^[A-Za-z0-9]{5,14}$/,
  NAN: /^[A-Za-z0-9]{4,14}$/,
};

export const BuyerSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      email: z.email().max(120),
      firstName: plainText({ min: 1, max: 100 }),
      lastName: plainText({ min: 1, max: 100 }),
      documentType: z.enum(DOCUMENT_TYPES),
      documentNumber: z.string().trim().max(20),
      phone: z
        .string()
        .regex(/^\+?\d{6,15}$/, 'Use 6-15 digits, optionally starting with +.')
        .optional(),
    })
    .superRefine((buyer, ctx) => {
      if (!DOCUMENT_NUMBER_RULES[buyer.documentType].test(buyer.documentNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['documentNumber'],
          message:
            buyer.documentType === 'DNI' || buyer.documentType === 'LMI'
              ? `A ${buyer.documentType} has exactly 8 digits.`
              : `Not a valid ${buyer.documentType} number.`,
        });
      }
    })
    .meta({ id: 'Buyer' }),
);

export const SplitSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      sellerId: externalId,
      amount: minorUnits,
      fee: z.number().int().min(0).meta({ description: 'Marketplace fee in minor units, at most `amount`.' }),
    })
    .meta({ id: 'Split' }),
);

export const CreateOrderRequestSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      reference: externalId.check(z.meta({ description: "The marketplace's own order id; unique." })),
      currency: z.enum(CURRENCIES),
      amount: minorUnits,
      concept: plainText({ min: 1, max: 200 }),
      buyer: BuyerSchema,
      splits: z.array(SplitSchema).min(1).max(MAX_SPLITS),
      expiresInMinutes: z
        .number()
        .int()
        .min(MIN_EXPIRY_MINUTES)
        .max(MAX_EXPIRY_MINUTES)
        .default(DEFAULT_EXPIRY_MINUTES),
      metadata: z
        .record(mapKey, plainText({ max: 500 }))
        .refine((value) => Object.keys(value).length <= 20, 'At most 20 metadata keys.')
        .default({}),
      risk: z
        .strictObject({
          ip: z
            .union([z.ipv4(), z.ipv6()])
            .optional()
            .meta({ description: "The buyer's IP address, as your frontend saw it." }),
          deviceId: z
            .string()
            .regex(/^[\w.:-]{1,128}$/, 'Use 1-128 letters, digits, ".", "_", ":" or "-".')
            .optional(),
          userAgent: z.optional(plainText({ max: 512 })),
        })
        .optional()
        .meta({
          description: "What you know of the buyer's session, for the stage's risk rules (docs/risk.md).",
        }),
    })
    .superRefine((order, ctx) => {
      const total = order.splits.reduce((sum, split) => sum + split.amount, 0);
      if (total !== order.amount) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits'],
          message: `Split amounts add up to ${total}, not the order amount ${order.amount}.`,
        });
      }
      const seen = new Set<string>();
      order.splits.forEach((split, index) => {
        if (split.fee > split.amount) {
          ctx.addIssue({
            code: 'custom',
            path: ['splits', index, 'fee'],
            message: 'A fee cannot exceed its split amount.',
          });
        }
        if (seen.has(split.sellerId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['splits', index, 'sellerId'],
            message: 'Each seller appears in one split only.',
          });
        }
        seen.add(split.sellerId);
      });
    })
    .meta({ id: 'CreateOrderRequest' }),
);

export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;
