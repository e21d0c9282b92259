import type { ProviderName } from '#platform/config';
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

export interface Payment {
  /** PagoEfectivo's operation number; null when the payment was found by polling the PSP (its search omits it). */
  operationNumber: string | null;
  paidAt: string;
  amount: number;
  currency: Currency;
  source: TransitionSource;
  /** The raw notification it came by (its id in the raw-notification table), for the audit trail. */
  notificationId?: string;
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
  payment?: Payment;
  /** Refunds requested or approved and not failed/rejected: what can no longer be refunded. */
  refundReserved?: number;
  /** Refunds paid out to the buyer. At the payment's amount the order is REFUNDED. */
  refundedAmount?: number;
  /** Every refund of this order (status: GET /v1/refunds/{id} or ?orderId=). */
  refunds?: { id: string; amount: number }[];
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
