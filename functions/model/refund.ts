import type { Currency } from './money';
import type { DocumentType } from './order';

/**
 * A refund as the domain and the store hold it. Declared on its own (not inferred from the API
 * schema) so the store depends on no wire format; refunds/api-schemas.ts checks at compile time
 * that its `RefundSchema` describes exactly this type.
 */
export const REFUND_STATUSES = ['REQUESTED', 'APPROVED', 'PAID_OUT', 'REJECTED', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_REASONS = [
  'return',
  'cancelled_after_payment',
  'duplicate_payment',
  'overpayment',
  'late_payment',
  'other',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * Who did it: the API key's id and name, and its principal — the person or system holding the
 * key, whom maker-checker compares (decision 76). Absent on steps recorded before principals.
 */
export interface Actor {
  keyId: string;
  keyName: string;
  principal?: string;
}

/** A refund a person pays by bank transfer (or dLocal pays to that account): the buyer's CCI. */
export type BankAccountDestination = {
  type: 'bank_account';
  cci: string;
  holderName: string;
  documentType: DocumentType;
  documentNumber: string;
  bank?: string;
  accountType?: 'checking' | 'savings';
};

/**
 * A refund the wallet provider pays back to the wallet a payment came from, through its refund
 * API (a double payment's refund, decision 114): which option, its order at the provider and
 * the paying charge (Culqi's `charge_id`, dLocal's payment id) the refund names.
 */
export type WalletPaymentDestination = {
  type: 'wallet_payment';
  provider: 'culqi' | 'dlocal';
  optionId: string;
  providerRef: string;
  chargeId: string | null;
};

/** Who proposes a double payment's refund: no person, so no person can be its approver's twin. */
export const DOUBLE_PAYMENT_PROPOSER: Actor = {
  keyId: 'system:double-payment',
  keyName: 'Double payment (refund proposal)',
  principal: 'system:double-payment',
};

// A type alias, not an interface: the store and outbox take it as a plain record.
export type Refund = {
  id: string;
  orderId: string;
  status: RefundStatus;
  amount: number;
  currency: Currency;
  reason: RefundReason;
  refundFee: boolean;
  allocations: { sellerId: string; amount: number; fee: number }[];
  destination: BankAccountDestination | WalletPaymentDestination;
  note?: string;
  anomalyId?: string;
  order: { id: string; reference: string; status: string };
  payment: {
    cip: string;
    operationNumber: string | null;
    amount: number;
    paidAt: string;
    source: string;
    notificationId?: string;
  };
  requestedBy: Actor;
  history: {
    status: RefundStatus;
    at: string;
    by: Actor;
    reason?: string;
    transferReference?: string;
    paidAt?: string;
    proofNote?: string;
  }[];
  createdAt: string;
  updatedAt: string;
  version: number;
};
