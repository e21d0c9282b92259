/**
 * What the domain needs from a mobile-wallet provider (decision 103): Culqi's QR orders (Yape,
 * Plin, …) on PagoEfectivo stages, dLocal's Yape redirect on dLocal stages (`WALLET_PROVIDER`,
 * psp/wallets.ts). Money in minor units, times as Dates; each adapter converts. Every call is safe
 * to retry: the option's id (`po_…`) is the provider's order number / our idempotency key.
 */

import type { WalletProviderName } from '#contract/service';
import type { Currency } from '#model/money';
import type { ProviderRefund } from './provider';

export interface WalletOrderInput {
  /** Our payment option's id: the provider's order number, so its notifications name it. */
  optionId: string;
  orderId: string;
  amountMinor: number;
  currency: Currency;
  expiresAt: Date;
  concept: string;
  /** `documentNumber`: dLocal's Peru page requires the payer's document (DNI or RUC) on every payment. */
  buyer: {
    email: string;
    firstName: string;
    lastName: string;
    phone?: string | undefined;
    documentNumber?: string | undefined;
  };
}

export interface CreatedWalletOrder {
  /** The provider's id for it (Culqi `ord_…`, dLocal `D-4-…`). */
  providerRef: string;
  wallets: string[];
  qrPayload?: string;
  redirectUrl?: string;
  expiresAt: Date;
}

export type WalletState = 'pending' | 'paid' | 'expired' | 'cancelled' | 'unknown';

/** A wallet order's state as its provider reports it (a status lookup, or the object a notification names). */
export interface WalletStatus {
  providerRef: string;
  /** Our option id, as the provider echoes it (order number / order id). */
  optionId: string | undefined;
  state: WalletState;
  amountMinor: number | undefined;
  currency: string | undefined;
  paidAt: Date | undefined;
  /** The payment's own id at the provider (Culqi's charge, dLocal's payment): what a refund names. */
  operationNumber: string | undefined;
}

/** What a provider's status lookup says of an order it does not know (or answers unreadably): nothing. */
export function unknownWalletStatus(ref: WalletOrderRef): WalletStatus {
  return {
    providerRef: ref.providerRef,
    optionId: ref.optionId,
    state: 'unknown',
    amountMinor: undefined,
    currency: undefined,
    paidAt: undefined,
    operationNumber: undefined,
  };
}

export type CancelWalletOutcome = 'cancelled' | 'not_found' | 'not_cancellable';

export interface WalletRefundInput {
  refundId: string;
  providerRef: string;
  operationNumber: string | null;
  amountMinor: number;
  currency: Currency;
}

/** A wallet notification read into our terms: which wallet order it is about (to be looked up). */
export type ParsedWalletNotification =
  | { kind: 'status'; providerRef: string; optionId: string | undefined }
  | { kind: 'informational'; eventType: string }
  | { kind: 'unparsable'; reason: string };

/** A wallet order at its provider, and the payment option it serves. */
export interface WalletOrderRef {
  providerRef: string;
  optionId: string;
}

export interface WalletProvider {
  readonly name: WalletProviderName;
  /** Why an order of this amount cannot be offered a wallet (checked before any call), or undefined. */
  refusal(amountMinor: number, currency: Currency): string | undefined;
  createWalletOrder(input: WalletOrderInput): Promise<CreatedWalletOrder>;
  walletStatus(ref: WalletOrderRef): Promise<WalletStatus>;
  /** Closes an unpaid wallet order so it can no longer be paid. */
  cancelWalletOrder(ref: WalletOrderRef): Promise<CancelWalletOutcome>;
  /** Gives a wallet payment back through the provider (a double payment's refund). */
  refundWalletPayment(input: WalletRefundInput): Promise<ProviderRefund>;
}
