import * as z from 'zod';
import { VOUCHER_PAGE_TOKEN_PATTERN } from '#model/ids';
import { ORDER_STATUSES } from '#model/order';
import { schema } from '#platform/schema';

/** The token in `/v/{token}`: 128 random bits, base64url (orders/ids.ts newVoucherPageToken). */
export const VoucherPageParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    token: z.string().regex(VOUCHER_PAGE_TOKEN_PATTERN, 'Not a voucher page token.'),
  }),
);

export const WidgetFileParamsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    file: z.string().regex(/^voucher(-\d+\.\d+\.\d+)?\.js$/, 'Not a widget file.'),
  }),
);

export const VoucherStatusViewSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      status: z.enum(ORDER_STATUSES),
      statusLabel: z
        .string()
        .meta({ description: 'The status in Peruvian Spanish, e.g. "Pendiente de pago".' }),
      statusMessage: z.string(),
      payable: z
        .boolean()
        .meta({ description: 'The code can still be paid (only then are CIP and barcode shown).' }),
      paid: z.boolean().meta({ description: "The buyer's money reached us." }),
      expiresAt: z.iso.datetime(),
    })
    .meta({ id: 'VoucherStatusView' }),
);

export const VoucherViewSchema = /* @__PURE__ */ schema(() =>
  VoucherStatusViewSchema.extend({
    marketplaceName: z.string(),
    firstName: z.string(),
    concept: z.string(),
    amountText: z.string().meta({ description: 'e.g. "S/ 150.00"' }),
    cip: z
      .string()
      .optional()
      .meta({ description: 'Only while payable: a dead code is never shown as something to pay.' }),
    barcodeSvg: z.string().optional().meta({ description: 'Code 128 of the CIP, inline SVG.' }),
    deadlineText: z.string(),
    whereToPayUrl: z.url(),
    labels: z.object({
      greeting: z.string(),
      intro: z.string(),
      amountLabel: z.string(),
      conceptLabel: z.string(),
      cipLabel: z.string(),
      copyCip: z.string(),
      copied: z.string(),
      deadlineLabel: z.string(),
      deadlineNote: z.string(),
      statusLabel: z.string(),
      howToPayTitle: z.string(),
      howToPay: z.array(z.string()),
      whereToPayLink: z.string(),
      countdown: z.string(),
      countdownUnits: z.object({ d: z.string(), h: z.string(), min: z.string(), s: z.string() }),
    }),
  }).meta({ id: 'VoucherView' }),
);
