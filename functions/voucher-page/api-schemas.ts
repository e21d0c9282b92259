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

const OPTION_DISPLAY_STATUSES = ['open', 'paid', 'closed', 'expired'] as const;

/** One payment option as the buyer's status view shows it (`unavailable` options are left out). */
export const VoucherOptionStatusSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      method: z.enum(['cash', 'wallet']),
      status: z.enum(OPTION_DISPLAY_STATUSES).meta({
        description:
          'As the buyer reads it: every option is `paid` once the order is paid (whichever option the money came by).',
      }),
      statusLabel: z.string().meta({ description: 'e.g. "Pendiente de pago", "Pagado".' }),
      payable: z.boolean().meta({ description: 'Only then are its codes (CIP, barcode, QR, link) given.' }),
      expiresAt: z.iso.datetime().meta({ description: "This option's own deadline." }),
      deadlineText: z.string().meta({
        description:
          'The deadline in words, Lima time (e.g. "Paga antes del viernes 4 de diciembre a las 12:07 p. m."): an extended deadline shows without reload.',
      }),
    })
    .meta({ id: 'VoucherOptionStatus' }),
);

export const VoucherOptionViewSchema = /* @__PURE__ */ schema(() =>
  VoucherOptionStatusSchema.extend({
    provider: z.string(),
    title: z.string().meta({ description: 'e.g. "Paga en efectivo", "Paga con Yape o Plin".' }),
    amountText: z.string(),
    cip: z.string().optional().meta({ description: 'Cash, while payable.' }),
    barcodeSvg: z
      .string()
      .optional()
      .meta({ description: 'Cash, while payable: Code 128 of the CIP, inline SVG.' }),
    qrSvg: z
      .string()
      .optional()
      .meta({ description: "Wallet, while payable: the provider's QR (Yape, Plin, …) as inline SVG." }),
    redirectUrl: z
      .url({ protocol: /^https$/ })
      .optional()
      .meta({ description: "Wallet, while payable: the provider's https page that opens the wallet." }),
  }).meta({ id: 'VoucherOptionView' }),
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
      intro: z.string().meta({
        description: 'The sentence under the status for this status, e.g. "Tu compra en … está pagada."',
      }),
      serverTime: z.iso.datetime().meta({
        description:
          "Our clock when this was answered: countdowns count from it, not from the device's clock (a phone's may be minutes off).",
      }),
      paymentOptions: z.array(VoucherOptionStatusSchema).meta({
        description: 'The ways this order can be paid, cash first; one (cash) on orders made before wallets.',
      }),
    })
    .meta({ id: 'VoucherStatusView' }),
);

export const VoucherViewSchema = /* @__PURE__ */ schema(() =>
  VoucherStatusViewSchema.omit({ paymentOptions: true })
    .extend({
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
      paymentOptions: z.array(VoucherOptionViewSchema),
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
        walletScan: z.string(),
        walletOpen: z.string(),
        walletOpenNote: z.string(),
        countdown: z.string(),
        countdownUnits: z.object({ d: z.string(), h: z.string(), min: z.string(), s: z.string() }),
      }),
    })
    .meta({ id: 'VoucherView' }),
);
