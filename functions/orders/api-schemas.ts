import * as z from 'zod';
import { PAYMENT_METHODS, PAYMENT_PROVIDERS, PROVIDERS } from '#contract/service';
import { CURRENCIES } from '#model/money';
import { DOCUMENT_TYPES, ORDER_STATUSES, TRANSITION_SOURCES } from '#model/order';
import { PAYMENT_OPTION_STATUSES } from '#model/payment-options';
import { schema } from '#platform/schema';

/**
 * The order responses as /openapi.json documents them. Only the OpenAPI function builds them
 * (decision 57): what the order routes validate is in request-schemas.ts and
 * create-order-request.ts, and presenting an order writes its fields out (present.ts), checked
 * against `OrderSchema` by a unit test.
 */

const VoucherSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      provider: z
        .enum(PROVIDERS)
        .meta({ description: 'Who issued the CIP: PagoEfectivo directly, or dLocal.' }),
      cip: z.string(),
      url: z.url().meta({ description: "PagoEfectivo's own generic page for the CIP." }),
      expiresAt: z.iso.datetime(),
      displayUrl: z.url().optional().meta({
        description:
          'Our hosted voucher page for the buyer (public, unguessable, Peruvian Spanish): amount, CIP, barcode, deadline and live status. Send it to the buyer; absent on orders created before voucher pages existed.',
      }),
    })
    .meta({ id: 'Voucher' }),
);

export const PaymentOptionSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z
        .string()
        .meta({ description: 'Ours (`po_…`): the wallet pay control and notifications name it.' }),
      method: z.enum(PAYMENT_METHODS),
      provider: z.enum(PAYMENT_PROVIDERS),
      status: z.enum(PAYMENT_OPTION_STATUSES).meta({
        description:
          'open: payable; paid: the order was paid by it; closed: the order was paid by another option (or cancelled) and this one was closed at its provider; expired; unavailable: not offered (see unavailableReason).',
      }),
      amount: z.number().int(),
      currency: z.enum(CURRENCIES),
      expiresAt: z.iso.datetime(),
      unavailableReason: z.string().optional(),
      cash: z
        .object({
          cip: z.string(),
          url: z.url(),
          expiresAt: z.iso.datetime(),
          displayUrl: z.url().optional(),
        })
        .optional()
        .meta({ description: 'The cash voucher (the same as `voucher`).' }),
      wallet: z
        .object({
          wallets: z.array(z.string()).meta({ description: 'Wallets that can pay it: yape, plin, …' }),
          qrPayload: z.string().optional().meta({ description: 'What the QR code shows (Culqi).' }),
          redirectUrl: z
            .url()
            .optional()
            .meta({ description: "The provider's page that opens the wallet (dLocal)." }),
        })
        .optional(),
    })
    .meta({ id: 'PaymentOption' }),
);

export const OrderSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string(),
      reference: z.string(),
      status: z.enum(ORDER_STATUSES),
      currency: z.enum(CURRENCIES),
      amount: z.number().int(),
      concept: z.string(),
      buyer: z.object({
        email: z.string(),
        firstName: z.string(),
        lastName: z.string(),
        documentType: z.enum(DOCUMENT_TYPES),
        documentNumber: z.string(),
        phone: z.string().optional(),
      }),
      splits: z.array(z.object({ sellerId: z.string(), amount: z.number().int(), fee: z.number().int() })),
      metadata: z.record(z.string(), z.string()),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      voucher: VoucherSchema,
      paymentOptions: z.array(PaymentOptionSchema).meta({
        description:
          'Every way this order can be (or was) paid: the cash voucher first, then wallet options. Exactly one payment is kept; paying another option afterwards is a double payment (refunded).',
      }),
      payment: z
        .object({
          optionId: z.string().optional().meta({ description: 'The payment option it came by.' }),
          operationNumber: z.string().nullable(),
          paidAt: z.iso.datetime(),
          amount: z.number().int(),
          currency: z.enum(CURRENCIES),
          source: z.enum(TRANSITION_SOURCES),
          notificationId: z
            .string()
            .optional()
            .meta({ description: 'The raw PagoEfectivo notification it came by.' }),
          paidAtSource: z.enum(['provider', 'received']).optional().meta({
            description:
              "Where `paidAt` comes from: `provider`, the PSP's own payment date; `received`, the time its notification reached us (the notification carried no date) until sync-pending confirms it with the provider's date (event `order.payment_date_confirmed`).",
          }),
          receivedAt: z.iso.datetime().optional().meta({
            description: 'When a confirmed date replaced the receipt time: that receipt time.',
          }),
          contested: z
            .object({
              operationNumber: z.string(),
              amount: z.number().int(),
              currency: z.string(),
              anomalyId: z.string(),
              at: z.iso.datetime(),
            })
            .optional()
            .meta({
              description:
                "The provider's signed notification of this payment names another amount or currency than the one booked (a payment found by polling is booked at the voucher's amount): what it said, and the `amount_mismatch` / `currency_mismatch` anomaly raised. Nothing is moved by itself; `fulfil` answers 409 `payment_contested` until a person resolves that anomaly (event `order.payment_contested`).",
            }),
        })
        .optional(),
      refundReserved: z
        .number()
        .int()
        .optional()
        .meta({ description: 'Refunds requested or approved, not failed.' }),
      refundedAmount: z.number().int().optional().meta({ description: 'Refunds paid out.' }),
      refunds: z.array(z.object({ id: z.string(), amount: z.number().int() })).optional(),
      risk: z
        .object({
          decision: z.enum(['flagged', 'approved', 'rejected']),
          rules: z.array(z.string()),
          reviewedAt: z.iso.datetime().optional(),
          reviewedBy: z.string().optional(),
          note: z.string().optional(),
        })
        .optional()
        .meta({
          description: 'Risk rules flagged it at creation; a flagged order is fulfilled only once approved.',
        }),
      settlement: z
        .object({
          id: z.string(),
          line: z.number().int(),
          settledOn: z.iso.date(),
          commission: z.number().int(),
          tax: z.number().int(),
          net: z.number().int(),
        })
        .optional()
        .meta({
          description:
            'PagoEfectivo settled the payment: the settlement report (and its line), the day it paid out, and what it kept (commission, IGV) of the gross.',
        }),
      history: z.array(
        z.object({
          from: z.enum(ORDER_STATUSES).nullable(),
          to: z.enum(ORDER_STATUSES),
          at: z.iso.datetime(),
          source: z.enum(TRANSITION_SOURCES),
        }),
      ),
      version: z.number().int(),
    })
    .meta({ id: 'Order' }),
);

export const OrderListSchema = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }).meta({ id: 'OrderList' }),
);

export const ProblemSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      code: z.string(),
      detail: z.string(),
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    })
    .meta({ id: 'Problem' }),
);
