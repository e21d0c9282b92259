import type { PaymentMethod, PaymentProviderName, ProviderName } from '#contract/service';
import type { Currency } from './money';

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'FULFILLED',
  'EXPIRED',
  'CANCELLED',
  'PAID_LATE',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Identity documents (orders/documents.ts validates each): DNI, CE, RUC, PAS and PagoEfectivo's LMI, PAR, NAN. */
export const DOCUMENT_TYPES = ['DNI', 'CE', 'RUC', 'PAS', 'LMI', 'PAR', 'NAN'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Who caused a transition; shown in an order's history. */
export const TRANSITION_SOURCES = ['api', 'webhook', 'poll', 'expiry', 'settlement'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

export interface Buyer {
  email: string;
  firstName: string;
  lastName: string;
  documentType: DocumentType;
  documentNumber: string;
  phone?: string;
}

export interface Split {
  sellerId: string;
  amount: number;
  fee: number;
}

export interface Voucher {
  /** Who issued it (the stage's PSP_PROVIDER when the order was made). */
  provider: ProviderName;
  cip: string;
  url: string;
  expiresAt: string;
  /** Our hosted voucher page for the buyer (absolute), `GET /v/{pageToken}`; absent on older orders. */
  displayUrl?: string;
  /** The page URL's secret (kept with the order so the page item can be found from it). */
  pageToken?: string;
  /** The provider's own payment id where it has one apart from the CIP (dLocal `D-4-…`). */
  providerPaymentId?: string;
}

/**
 * A way to pay the order besides its cash voucher (decision 103): a mobile-wallet order at the
 * stage's wallet provider, or one that could not be offered (`unavailableReason`). The cash
 * option is the voucher itself (model/payment-options.ts derives it), and every option's
 * status is derived from the order, so no transition has to keep a copy in step.
 */
export interface StoredPaymentOption {
  /** `po_…`, ours: sent to the provider as its order number, so its notifications name it. */
  id: string;
  method: PaymentMethod;
  provider: PaymentProviderName;
  amount: number;
  currency: Currency;
  expiresAt: string;
  createdAt: string;
  /** The provider's own id for it: Culqi's `ord_…`, dLocal's payment id. Absent when unavailable. */
  providerRef?: string;
  /** Why it is not offered (provider down, outside the provider's limits): status `unavailable`. */
  unavailableReason?: string;
  wallet?: { wallets: string[]; qrPayload?: string; redirectUrl?: string };
}

export interface Payment {
  /** The payment option it came by; absent on payments of the cash voucher made before options existed. */
  optionId?: string;
  /** PagoEfectivo's operation number; null when the payment was found by polling the PSP (its search omits it). */
  operationNumber: string | null;
  paidAt: string;
  amount: number;
  currency: Currency;
  source: TransitionSource;
  /** The raw notification it came by (its id in the raw-notification table), for the audit trail. */
  notificationId?: string;
  /**
   * `received`: `paidAt` is when the notification reached us (it carried no date), until
   * sync-pending confirms the provider's own date (`provider`). Absent on older payments.
   */
  paidAtSource?: 'provider' | 'received';
  /** Once confirmed: the receipt time that stood in for the date. */
  receivedAt?: string;
  /**
   * The provider's own word disagrees with what was booked: a payment found by polling (booked at
   * the voucher's amount, the search naming no other) whose signed notification then names another
   * amount or currency. Nothing moves by itself; fulfilment waits until a person resolves the
   * anomaly (decision 137).
   */
  contested?: PaymentContest;
}

/** What the provider's notification said of a payment booked otherwise, and the anomaly raised. */
export interface PaymentContest {
  operationNumber: string;
  amount: number;
  currency: string;
  anomalyId: string;
  at: string;
}

/** PagoEfectivo settled the order's payment: in which report, when, and what it kept. */
export interface OrderSettlement {
  id: string;
  /** The report line that settled it (a later line for the same payment is a duplicate). */
  line: number;
  /** Lima calendar date the PSP paid out, `yyyy-mm-dd`. */
  settledOn: string;
  commission: number;
  tax: number;
  net: number;
}

export interface HistoryEntry {
  from: OrderStatus | null;
  to: OrderStatus;
  at: string;
  source: TransitionSource;
}

export interface Order {
  id: string;
  reference: string;
  status: OrderStatus;
  currency: Currency;
  amount: number;
  concept: string;
  buyer: Buyer;
  splits: Split[];
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  voucher: Voucher;
  /** Wallet options (and options that could not be offered); absent: cash only. */
  paymentOptions?: StoredPaymentOption[];
  payment?: Payment;
  /** Refunds requested or approved and not failed/rejected: what can no longer be refunded. */
  refundReserved?: number;
  /** Refunds paid out to the buyer. At the payment's amount the order is REFUNDED. */
  refundedAmount?: number;
  /** Every refund of this order (status: GET /v1/refunds/{id} or ?orderId=). */
  refunds?: { id: string; amount: number }[];
  /**
   * The refunds of money an anomaly of this order holds (a duplicate payment, an overpayment): not
   * the order's payment, but counted with its refunds toward the maker-checker threshold.
   */
  anomalyRefunds?: { id: string; amount: number }[];
  /** Set when risk rules flagged it at creation, then by its review (functions/risk). */
  risk?: {
    decision: 'flagged' | 'approved' | 'rejected';
    rules: string[];
    reviewedAt?: string;
    reviewedBy?: string;
    note?: string;
  };
  /** Set when a settlement report lists the payment (reconciliation). */
  settlement?: OrderSettlement;
  history: HistoryEntry[];
  /** Increases by one on every change; receivers of our events use it to discard stale ones. */
  version: number;
}

/** Order deadlines have seconds precision: the PSP's dates carry no milliseconds, and both sides must agree. */
export function toSecondIso(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}
