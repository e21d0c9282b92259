/**
 * What the domain needs from a cash-voucher PSP, whoever sells PagoEfectivo: PagoEfectivo itself
 * (psp/pagoefectivo) or a reseller (psp/dlocal). Use cases depend on this file only; which
 * provider a stage uses is configuration (`PSP_PROVIDER`, psp/index.ts). Money is in minor units
 * and times are Dates here: each adapter converts to its PSP's decimals and time zones.
 */

import type { ProviderName } from '#contract/service';
import type { Currency } from '#model/money';
import type { DocumentType } from '#model/order';

/** An issued voucher as the order keeps it: the CIP the buyer pays, and the provider's own id. */
export interface VoucherRef {
  cip: string;
  /** The provider's payment id, where it has one apart from the CIP (dLocal: `D-4-…`). */
  providerPaymentId?: string;
}

export interface CreateVoucherInput {
  /** Our order id: the PSP's transaction code / order id, so its records point back at us. */
  transactionCode: string;
  currency: Currency;
  amountMinor: number;
  expiresAt: Date;
  userEmail: string;
  paymentConcept: string;
  userName?: string;
  userLastName?: string;
  userDocumentType?: string;
  userDocumentNumber?: string;
  userPhone?: string;
  additionalData?: string;
}

export interface CreatedVoucher {
  cip: string;
  /** The provider's own page or image of the voucher. */
  url: string;
  expiresAt: Date;
  providerPaymentId?: string;
}

export type CipState = 'pending' | 'paid' | 'expired' | 'deleted' | 'unknown';

export interface CipStatus {
  cip: string;
  state: CipState;
  statusCode: number | undefined;
  transactionCode: string | undefined;
  amountMinor: number | undefined;
  currency: string | undefined;
  paidAt: Date | undefined;
}

export type DeleteCipOutcome = 'deleted' | 'not_found' | 'not_deletable';
export type ChangeExpiryOutcome =
  | { outcome: 'changed'; expiresAt: Date }
  | { outcome: 'not_changeable' | 'not_found' }
  /** The provider has no way to move a deadline (dLocal tickets). */
  | { outcome: 'not_supported' };

/** A verified payment notification, read into our terms. */
export interface PaidNotification {
  /**
   * The voucher's CIP when the body names it. dLocal's documented notifications do not (the body
   * is the payment object, without `ticket`): the voucher is then found by `providerPaymentId`
   * and `transactionCode` (notifications/match-voucher.ts).
   */
  cip: string | undefined;
  /** The provider's payment id (dLocal `id`), which the order's voucher stores. */
  providerPaymentId?: string;
  /** The payment's own id at the provider: PagoEfectivo's operation number, dLocal's payment id. */
  operationNumber: string;
  amountMinor: number;
  /** As sent; compared with the order's currency by the applier. */
  currency: Currency | string;
  paidAt: Date;
  /**
   * Where `paidAt` came from: the provider's own date, or — when the body carried none — the time
   * we received it (`received`), which sync-pending later confirms with the provider's date.
   */
  paidAtSource: PaidAtSource;
  transactionCode: string | undefined;
}

/** `provider`: the PSP's own payment date; `received`: when we heard of it (to be confirmed). */
export type PaidAtSource = 'provider' | 'received';

export type ParsedNotification =
  | { kind: 'paid'; payment: PaidNotification }
  /** A provider-run refund moved (dLocal): `refundId` is ours (sent as its idempotency key). */
  | { kind: 'refund'; providerRefundId: string; status: ProviderRefundStatus }
  | { kind: 'informational'; eventType: string }
  | { kind: 'unknown_event_type'; eventType: string }
  | { kind: 'unparsable'; reason: string };

export interface ProviderRefundInput {
  refundId: string;
  voucher: VoucherRef;
  amountMinor: number;
  currency: Currency;
  /** The buyer's bank account: cash payments are refunded by bank transfer. */
  bankAccount: {
    cci: string;
    holderName: string;
    documentType: string;
    documentNumber: string;
    /** The bank's name, when the requester gave it. */
    bank?: string | undefined;
    /** Checking or savings, when the requester gave it (dLocal's `bank_account_type` C / S). */
    accountType?: 'checking' | 'savings' | undefined;
  };
}

export type ProviderRefundStatus = 'pending' | 'succeeded' | 'rejected' | 'cancelled';

export interface ProviderRefund {
  providerRefundId: string;
  status: ProviderRefundStatus;
}

export interface PspProvider {
  readonly name: ProviderName;
  /** The payer document types the provider takes; an order with another is refused before any call. */
  readonly payerDocumentTypes: readonly DocumentType[];
  createVoucher(input: CreateVoucherInput): Promise<CreatedVoucher>;
  /** Several vouchers' states in as few calls as the provider allows. Safe to retry. */
  searchVouchers(vouchers: readonly VoucherRef[]): Promise<CipStatus[]>;
  /**
   * Cancels an unpaid voucher. A retry after a lost answer may hear `not_deletable`: the PSP
   * refuses to delete a deleted voucher as it refuses a paid one — `searchVouchers` tells them apart.
   */
  deleteVoucher(voucher: VoucherRef): Promise<DeleteCipOutcome>;
  changeVoucherExpiry(voucher: VoucherRef, expiresAt: Date): Promise<ChangeExpiryOutcome>;
  /**
   * The provider's own payment date of each paid voucher it can date (keyed by CIP); a voucher it
   * cannot date yet is left out. Confirms dates that stood in from a notification's receipt.
   */
  paymentDates(vouchers: readonly VoucherRef[]): Promise<Map<string, Date>>;
  /** Where the provider refunds itself (dLocal); PagoEfectivo refunds are bank transfers we make. */
  refund?(input: ProviderRefundInput): Promise<ProviderRefund>;
}
