import type { Currency } from './money';
import type { Actor } from './refund';

/**
 * A payout as the domain and the store hold it, declared on its own; payouts/api-schemas.ts
 * checks at compile time that its `PayoutSchema` describes exactly this type.
 */
export const PAYOUT_STATUSES = ['REQUESTED', 'APPROVED', 'PAID_OUT', 'REJECTED', 'FAILED'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

// A type alias, not an interface: the store and outbox take it as a plain record.
export type Payout = {
  id: string;
  sellerId: string;
  currency: Currency;
  amount: number;
  status: PayoutStatus;
  bankAccountVersion: number;
  bankAccount?: { cci: string; holderName: string; bank?: string };
  requestedBy: Actor;
  history: {
    status: PayoutStatus;
    at: string;
    by: Actor;
    reason?: string;
    transferReference?: string;
    paidAt?: string;
  }[];
  items?: {
    entryId: string;
    at: string;
    reason: string;
    amount: number;
    orderId?: string;
    refundId?: string;
  }[];
  createdAt: string;
  updatedAt: string;
  version: number;
};
