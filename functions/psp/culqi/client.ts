import * as z from 'zod/mini';
import type { Currency } from '#model/money';
import { PspRejectedError, PspUnavailableError } from '#platform/errors';
import { logger } from '#platform/powertools';
import { schemasOnFirstUse } from '#platform/schema';
import { callPsp, type PspResponse } from '../http-call';
import type { ProviderRefund } from '../provider';
import * as wallet from '../wallet-provider';

export interface CulqiClientOptions {
  baseUrl: string;
  /** Culqi's secret API key (`sk_live_…` / `sk_test_…`): `Authorization: Bearer …` on every call. */
  secretKey: () => Promise<string>;
  timeoutMs: number;
}

/**
 * Culqi's limits for wallet orders ("billeteras móviles"): soles only, S/ 6.00 to S/ 500.00. An
 * order outside them is not offered a wallet, before any call (decision 104).
 */
export const CULQI_WALLET_LIMITS = { currency: 'PEN', minMinor: 600, maxMinor: 50_000 } as const;
/** What a Culqi order's QR is paid with (Culqi's "billeteras móviles" page). */
const CULQI_WALLETS = ['yape', 'plin', 'tunki', 'bim'];

/** Culqi's order states (`state`): `created` until confirmed, `pending` payable, then one of the rest. */
const ORDER_STATES: Record<string, wallet.WalletState> = {
  created: 'pending',
  pending: 'pending',
  paid: 'paid',
  expired: 'expired',
  deleted: 'cancelled',
};

const replySchemas = /* @__PURE__ */ schemasOnFirstUse(() => ({
  Order: z.looseObject({
    object: z.optional(z.string()),
    id: z.string().check(z.minLength(1)),
    amount: z.optional(z.number()),
    currency_code: z.optional(z.string()),
    order_number: z.optional(z.string()),
    state: z.string(),
    expiration_date: z.optional(z.nullable(z.number())),
    paid_at: z.optional(z.nullable(z.number())),
    // Not in Culqi's published order object: the sandbox's QR text and the paying charge (decision 104).
    qr: z.optional(z.nullable(z.string())),
    charge_id: z.optional(z.nullable(z.string())),
  }),
  Deleted: z.looseObject({ id: z.string(), deleted: z.boolean() }),
  Refund: z.looseObject({ object: z.optional(z.string()), id: z.string().check(z.minLength(1)) }),
  Error: z.looseObject({
    object: z.optional(z.string()),
    type: z.optional(z.string()),
    merchant_message: z.optional(z.string()),
    user_message: z.optional(z.string()),
  }),
}));

/** Culqi dates are Unix times; its examples use both seconds and milliseconds. */
function culqiDate(value: number | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value < 1e12 ? value * 1000 : value);
}

/**
 * Culqi's orders API ("órdenes de pago", /v2/orders) for wallet QR payments, as its public API
 * reference describes it (test/contracts/culqi): create (confirmed at once, `order_number` = our
 * option id), read, delete (an unpaid order can no longer be paid), and refunds (/v2/refunds,
 * reason `duplicado` for a double payment, of a charge `chr_…`). Culqi signs nothing it sends: its notifications are
 * read back through this client before anything is applied (decision 105).
 */
export class CulqiClient implements wallet.WalletProvider {
  readonly name = 'culqi' as const;
  private readonly replies = replySchemas();

  constructor(private readonly options: CulqiClientOptions) {}

  refusal(amountMinor: number, currency: Currency): string | undefined {
    if (currency !== CULQI_WALLET_LIMITS.currency)
      return `Culqi's wallets take soles (PEN) only; this order is in ${currency}.`;
    if (amountMinor < CULQI_WALLET_LIMITS.minMinor || amountMinor > CULQI_WALLET_LIMITS.maxMinor)
      return "Culqi's wallets take S/ 6.00 to S/ 500.00 per order.";
    return undefined;
  }

  async createWalletOrder(input: wallet.WalletOrderInput): Promise<wallet.CreatedWalletOrder> {
    const refused = this.refusal(input.amountMinor, input.currency);
    if (refused) throw new PspRejectedError(refused, {});
    const response = await this.send('POST', '/v2/orders', {
      amount: input.amountMinor,
      currency_code: input.currency,
      description: input.concept.slice(0, 80),
      order_number: input.optionId,
      client_details: {
        first_name: input.buyer.firstName,
        last_name: input.buyer.lastName,
        email: input.buyer.email,
        ...(input.buyer.phone ? { phone_number: input.buyer.phone } : {}),
      },
      expiration_date: Math.floor(input.expiresAt.getTime() / 1000),
      confirm: true,
      metadata: { order_id: input.orderId },
    });
    const parsed = this.replies.Order.safeParse(response.body);
    if ((response.status === 200 || response.status === 201) && parsed.success) {
      const order = parsed.data;
      return {
        providerRef: order.id,
        wallets: CULQI_WALLETS,
        ...(order.qr ? { qrPayload: order.qr } : {}),
        expiresAt: culqiDate(order.expiration_date) ?? input.expiresAt,
      };
    }
    throw this.failure('create an order', response);
  }

  async walletStatus(ref: wallet.WalletOrderRef): Promise<wallet.WalletStatus> {
    const response = await this.send('GET', `/v2/orders/${encodeURIComponent(ref.providerRef)}`);
    const parsed = this.replies.Order.safeParse(response.body);
    if (response.status === 404) {
      return wallet.unknownWalletStatus(ref);
    }
    if (response.status !== 200 || !parsed.success) throw this.failure('read an order', response);
    const order = parsed.data;
    const state = ORDER_STATES[order.state] ?? 'unknown';
    return {
      providerRef: order.id,
      optionId: order.order_number,
      state,
      amountMinor: order.amount,
      currency: order.currency_code,
      paidAt: culqiDate(order.paid_at),
      operationNumber: state === 'paid' ? (order.charge_id ?? order.id) : undefined,
    };
  }

  async cancelWalletOrder(ref: wallet.WalletOrderRef): Promise<wallet.CancelWalletOutcome> {
    const response = await this.send('DELETE', `/v2/orders/${encodeURIComponent(ref.providerRef)}`);
    if (response.status === 200 && this.replies.Deleted.safeParse(response.body).success) return 'cancelled';
    if (response.status === 404) return 'not_found';
    // Culqi deletes orders that are pending or created only: a paid or expired one says so with 400.
    if (response.status === 400) return 'not_cancellable';
    throw this.failure('delete an order', response);
  }

  async refundWalletPayment(input: wallet.WalletRefundInput): Promise<ProviderRefund> {
    // Culqi refunds charges (`chr_…`; its SDKs refuse anything else). A paid order whose charge we
    // never learnt (only its order id) cannot be refunded through the API: said before calling.
    const chargeId = input.operationNumber;
    if (chargeId === undefined || chargeId === null || !chargeId.startsWith('chr_')) {
      throw new PspRejectedError(
        `Culqi refunds a charge (chr_…), and this payment's charge is not known (${chargeId ?? input.providerRef}): ` +
          'mark this refund failed and pay the buyer back by bank transfer.',
        {},
      );
    }
    const response = await this.send(
      'POST',
      '/v2/refunds',
      {
        amount: input.amountMinor,
        charge_id: chargeId,
        reason: 'duplicado',
      },
      input.refundId,
    );
    const parsed = this.replies.Refund.safeParse(response.body);
    // Culqi refunds on the day of the sale are immediate; there is no later state to wait for.
    if ((response.status === 200 || response.status === 201) && parsed.success)
      return { providerRefundId: parsed.data.id, status: 'succeeded' };
    throw this.failure('refund a payment', response);
  }

  private async send(
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<PspResponse> {
    const secretKey = await this.options.secretKey();
    return callPsp(
      'Culqi',
      new URL(path.replace(/^\//, ''), `${this.options.baseUrl.replace(/\/+$/, '')}/`),
      {
        method,
        headers: {
          authorization: `Bearer ${secretKey}`,
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'x-idempotency-key': idempotencyKey } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.options.timeoutMs,
    );
  }

  private failure(action: string, response: PspResponse): Error {
    const error = this.replies.Error.safeParse(response.body);
    const message = (error.success && (error.data.merchant_message ?? error.data.user_message)) || undefined;
    logger.warn(`Culqi refused to ${action}`, { status: response.status, message });
    if (response.status === 400 || response.status === 422)
      return new PspRejectedError(
        `Culqi could not ${action}: ${message ?? `status ${response.status}`}.`,
        {},
      );
    return new PspUnavailableError(`Culqi could not ${action} (status ${response.status}).`, 502);
  }
}
