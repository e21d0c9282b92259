import * as z from 'zod/mini';
import type { Currency } from '#model/money';
import { decimalToMinor, minorToDecimal } from '#model/money';
import { config } from '#platform/config';
import { PspRejectedError } from '#platform/errors';
import { schemasOnFirstUse } from '#platform/schema';
import type { ProviderRefund } from '../provider';
import * as wallet from '../wallet-provider';
import type { DlocalClient } from './client';
import { dlocal } from './index';

const STATES: Record<string, wallet.WalletState> = {
  PENDING: 'pending',
  PAID: 'paid',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  REJECTED: 'cancelled',
};

const replies = /* @__PURE__ */ schemasOnFirstUse(() => ({
  Created: z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z.string(),
    redirect_url: z.optional(z.url()),
  }),
  Status: z.looseObject({
    id: z.optional(z.string()),
    status: z.string(),
    amount: z.optional(z.union([z.string(), z.number()])),
    currency: z.optional(z.string()),
    order_id: z.optional(z.string()),
    approved_date: z.optional(z.nullable(z.string())),
  }),
  Refund: z.looseObject({ id: z.string().check(z.minLength(1)), status: z.string() }),
}));

/**
 * Yape one-shot through dLocal (payment method `YP`, type WALLET, flow REDIRECT, PEN only), on
 * the stage's dLocal client (same signature, same idempotency): `callback_url` (where the buyer
 * returns), `notification_url` and `device.type` are required. The payment's `order_id` is our
 * option id, so its notification (on /webhooks/dlocal) names the option. Its refunds go back to
 * the wallet: no bank account is asked for.
 */
export class DlocalYape implements wallet.WalletProvider {
  readonly name = 'dlocal' as const;

  constructor(private readonly client: DlocalClient) {}

  refusal(_amountMinor: number, currency: Currency): string | undefined {
    return currency === 'PEN' ? undefined : `Yape takes soles (PEN) only; this order is in ${currency}.`;
  }

  async createWalletOrder(input: wallet.WalletOrderInput): Promise<wallet.CreatedWalletOrder> {
    const refused = this.refusal(input.amountMinor, input.currency);
    if (refused) throw new PspRejectedError(refused, {});
    const callbackUrl = this.callbackUrl();
    const response = await this.client.send(
      'POST',
      '/payments',
      {
        amount: Number(minorToDecimal(input.amountMinor)),
        currency: 'PEN',
        country: 'PE',
        payment_method_id: 'YP',
        payment_method_flow: 'REDIRECT',
        order_id: input.optionId,
        description: input.concept,
        callback_url: callbackUrl,
        notification_url: this.notificationUrl(),
        device: { type: 'MOBILE' },
        payer: {
          name: `${input.buyer.firstName} ${input.buyer.lastName}`,
          email: input.buyer.email,
          // Peru's country page: the payer's document (DNI or RUC) is required, whatever the method.
          ...(input.buyer.documentNumber ? { document: input.buyer.documentNumber } : {}),
          ...(input.buyer.phone ? { phone: input.buyer.phone } : {}),
        },
      },
      input.optionId,
    );
    const parsed = replies().Created.safeParse(response.body);
    if ((response.status === 200 || response.status === 201) && parsed.success) {
      return {
        providerRef: parsed.data.id,
        wallets: ['yape'],
        ...(parsed.data.redirect_url ? { redirectUrl: parsed.data.redirect_url } : {}),
        expiresAt: input.expiresAt,
      };
    }
    throw this.client.failure('create a Yape payment', response);
  }

  /** Where the buyer returns from Yape (dLocal requires `callback_url` for a REDIRECT payment). */
  private callbackUrl(): string {
    const env = config();
    return env.WALLET_CALLBACK_URL ?? env.PUBLIC_BASE_URL ?? 'https://localhost/';
  }

  /** Our /webhooks/dlocal: required on a Yape payment and on its refunds. */
  private notificationUrl(): string {
    return this.client.options.notificationUrl ?? `${this.callbackUrl().replace(/\/+$/, '')}/webhooks/dlocal`;
  }

  async walletStatus(ref: wallet.WalletOrderRef): Promise<wallet.WalletStatus> {
    const response = await this.client.send('GET', `/payments/${encodeURIComponent(ref.providerRef)}/status`);
    const parsed = replies().Status.safeParse(response.body);
    if (response.status === 404 || (response.status === 200 && !parsed.success)) {
      return wallet.unknownWalletStatus(ref);
    }
    if (response.status !== 200 || !parsed.success)
      throw this.client.failure('read a Yape payment', response);
    const state = STATES[parsed.data.status] ?? 'unknown';
    return {
      providerRef: ref.providerRef,
      optionId: parsed.data.order_id ?? ref.optionId,
      state,
      amountMinor: parsed.data.amount === undefined ? undefined : decimalToMinor(parsed.data.amount),
      currency: parsed.data.currency,
      paidAt: parsed.data.approved_date ? new Date(parsed.data.approved_date) : undefined,
      operationNumber: state === 'paid' ? ref.providerRef : undefined,
    };
  }

  async cancelWalletOrder(ref: wallet.WalletOrderRef): Promise<wallet.CancelWalletOutcome> {
    const response = await this.client.send(
      'POST',
      `/payments/${encodeURIComponent(ref.providerRef)}/cancel`,
      {},
    );
    if (response.status >= 200 && response.status < 300) return 'cancelled';
    if (response.status === 404) return 'not_found';
    if (response.status >= 400 && response.status < 500) return 'not_cancellable';
    throw this.client.failure('cancel a Yape payment', response);
  }

  async refundWalletPayment(input: wallet.WalletRefundInput): Promise<ProviderRefund> {
    const response = await this.client.send(
      'POST',
      '/refunds',
      {
        payment_id: input.providerRef,
        amount: Number(minorToDecimal(input.amountMinor)),
        currency: input.currency,
        order_refund_id: input.refundId,
        // Required by dLocal's refunds API (docs.dlocal.com/docs/refunds): its outcome comes only there.
        notification_url: this.notificationUrl(),
      },
      input.refundId,
    );
    const parsed = replies().Refund.safeParse(response.body);
    if ((response.status === 200 || response.status === 201) && parsed.success) {
      const status = parsed.data.status;
      return {
        providerRefundId: parsed.data.id,
        status: status === 'SUCCESS' ? 'succeeded' : status === 'REJECTED' ? 'rejected' : 'pending',
      };
    }
    throw this.client.failure('refund a Yape payment', response);
  }
}

let yape: DlocalYape | undefined;

export function dlocalYape(): DlocalYape {
  yape ??= new DlocalYape(dlocal());
  return yape;
}
