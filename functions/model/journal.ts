import type { Currency } from './money';
import type { Order } from './order';

/**
 * The double-entry ledger, as pure data. Accounts (balance = Σ debits − Σ credits, so what we
 * owe is negative):
 * - `psp_receivable`: cash PagoEfectivo collected for us and has not settled yet (an asset);
 * - `seller_payable:<sellerId>`: what we owe each seller (split amount − fee);
 * - `platform_commission`: the marketplace's revenue (Σ fees);
 * - `suspense`: cash that belongs to no order yet (late, mismatched, duplicate, unknown payments);
 * - `refunds_payable`: refunds approved and not yet transferred;
 * - `bank`: our bank account: settlements in (net of PSP fees), refunds out;
 * - `psp_fee_expense`, `psp_fee_tax`: what PagoEfectivo kept of a settlement (commission, IGV).
 * Every entry balances to zero in its currency; `journalEntry` refuses one that does not.
 */
export type Account =
  | 'psp_receivable'
  | 'platform_commission'
  | 'suspense'
  | 'refunds_payable'
  | 'bank'
  | 'psp_fee_expense'
  | 'psp_fee_tax'
  | `seller_payable:${string}`;

export const FIXED_ACCOUNTS = [
  'psp_receivable',
  'platform_commission',
  'suspense',
  'refunds_payable',
  'bank',
  'psp_fee_expense',
  'psp_fee_tax',
] as const;
/** The sum of every seller's payable account, kept as one account for the trial balance. */
export const ALL_SELLERS_ACCOUNT = 'seller_payable';

export interface JournalLine {
  account: Account;
  /** Integer minor units; positive = debit, negative = credit. */
  amount: number;
}

export type JournalReason =
  | 'payment'
  | 'late_payment'
  | 'late_payment_accepted'
  | 'unmatched_payment'
  | 'refund_approved'
  | 'refund_paid_out'
  | 'refund_failed'
  | 'settlement'
  | 'payout_paid';

export interface JournalEntry {
  /** Derived from the business fact, so the same fact can never be booked twice. */
  id: string;
  at: string;
  currency: Currency | string;
  reason: JournalReason;
  orderId?: string;
  anomalyId?: string;
  refundId?: string;
  settlementId?: string;
  payoutId?: string;
  lines: JournalLine[];
}

export class UnbalancedEntryError extends Error {
  constructor(readonly entry: Omit<JournalEntry, 'id'> & { id: string }) {
    super(`Journal entry ${entry.id} does not balance: ${JSON.stringify(entry.lines)}`);
    this.name = 'UnbalancedEntryError';
  }
}

/** Builds an entry, merging lines per account and dropping zeros; throws unless it balances. */
export function journalEntry(entry: JournalEntry): JournalEntry {
  const merged = new Map<Account, number>();
  for (const line of entry.lines) {
    if (!Number.isSafeInteger(line.amount)) throw new UnbalancedEntryError(entry);
    merged.set(line.account, (merged.get(line.account) ?? 0) + line.amount);
  }
  const lines = [...merged]
    .filter(([, amount]) => amount !== 0)
    .map(([account, amount]) => ({ account, amount }));
  if (lines.reduce((sum, line) => sum + line.amount, 0) !== 0 || lines.length === 0) {
    throw new UnbalancedEntryError({ ...entry, lines });
  }
  return { ...entry, lines };
}

const sellerAccount = (sellerId: string): Account => `seller_payable:${sellerId}`;

export function sellerOf(account: Account): string | undefined {
  return account.startsWith('seller_payable:') ? account.slice('seller_payable:'.length) : undefined;
}

/** The sellers' and the platform's shares of an order: each seller amount − fee, the platform Σ fee. */
function sharesOf(order: Pick<Order, 'splits'>): JournalLine[] {
  return [
    ...order.splits.map((split) => ({
      account: sellerAccount(split.sellerId),
      amount: -(split.amount - split.fee),
    })),
    {
      account: 'platform_commission' as const,
      amount: -order.splits.reduce((sum, split) => sum + split.fee, 0),
    },
  ];
}

/**
 * An order paid on time: the provider owes us the cash; we owe the sellers and earn the fees. A
 * wallet payment (decision 115) books its provider's fee at once — the provider keeps it before
 * paying out, and no settlement report of it is read (decision 106) — so the receivable is the
 * net it will pay, and the fee and its tax are expenses, as a PagoEfectivo settlement books them.
 */
export function paymentEntry(
  order: Order,
  at: string,
  providerFee: { commission: number; tax: number } = { commission: 0, tax: 0 },
): JournalEntry {
  const kept = providerFee.commission + providerFee.tax;
  return journalEntry({
    id: `payment:${order.id}`,
    at,
    currency: order.currency,
    reason: 'payment',
    orderId: order.id,
    lines: [
      { account: 'psp_receivable', amount: order.amount - kept },
      { account: 'psp_fee_expense', amount: providerFee.commission },
      { account: 'psp_fee_tax', amount: providerFee.tax },
      ...sharesOf(order),
    ],
  });
}

/** Cash for an order already given up: held in suspense until accepted or refunded. */
export function latePaymentEntry(order: Order, amount: number, at: string): JournalEntry {
  return journalEntry({
    id: `late_payment:${order.id}`,
    at,
    currency: order.currency,
    reason: 'late_payment',
    orderId: order.id,
    lines: [
      { account: 'psp_receivable', amount },
      { account: 'suspense', amount: -amount },
    ],
  });
}

/**
 * A late payment accepted: out of suspense, to the sellers and the platform as if paid on time —
 * less what refunds already paid back from suspense (`shares`: each split's amount and fee left
 * after them, `acceptedShares` in refunds/allocation.ts; default: the whole splits). Suspense gives
 * up only what it still holds of the payment, so it ends at zero for it (decision 74).
 * If PagoEfectivo already settled it, the sellers' shares are available at once, not pending.
 */
export function lateAcceptedEntry(
  order: Order,
  at: string,
  shares: readonly { sellerId: string; amount: number; fee: number }[] = order.splits,
): JournalEntry & { sellerMoves?: SellerMoves } {
  const left = shares.reduce((sum, share) => sum + share.amount, 0);
  const entry = journalEntry({
    id: `late_payment_accepted:${order.id}`,
    at,
    currency: order.currency,
    reason: 'late_payment_accepted',
    orderId: order.id,
    lines: [{ account: 'suspense', amount: left }, ...sharesOf({ splits: [...shares] })],
  });
  if (order.settlement === undefined) return entry;
  const sellerMoves: SellerMoves = {};
  for (const split of shares) {
    const share = split.amount - split.fee;
    sellerMoves[split.sellerId] = { available: (sellerMoves[split.sellerId]?.available ?? 0) + share };
  }
  return { ...entry, sellerMoves };
}

/** Cash that changed no order (unknown CIP, mismatch, duplicate): collected, and held in suspense. */
export function unmatchedPaymentEntry(
  key: string,
  amount: number,
  currency: string,
  at: string,
  anomalyId: string,
  orderId?: string,
): JournalEntry {
  return journalEntry({
    id: `unmatched_payment:${key}`,
    at,
    currency,
    reason: 'unmatched_payment',
    anomalyId,
    ...(orderId ? { orderId } : {}),
    lines: [
      { account: 'psp_receivable', amount },
      { account: 'suspense', amount: -amount },
    ],
  });
}

/** Seller balance buckets a refund moves (what `ledgerWrites` adds, per seller). */
export type SellerBucket = 'pending' | 'available' | 'reservedForRefunds' | 'inTransit' | 'paidOut';
export type SellerMoves = Record<string, Partial<Record<SellerBucket, number>>>;

export interface RefundBooking {
  refundId: string;
  orderId: string;
  amount: number;
  currency: string;
  /** The cash is in suspense (a late payment), not with the sellers. */
  fromSuspense: boolean;
  /** Where the sellers' shares are: `pending` until PagoEfectivo settles the payment, then `available`. */
  sellerBucket: 'pending' | 'available';
  /**
   * Who pays it out: our bank (a transfer; also dLocal's bank-account refunds, as booked so far),
   * or a wallet provider through its refund API, out of the payments it collected for us and has
   * not settled (`psp_receivable`, decision 114).
   */
  paidFrom?: 'bank' | 'psp_receivable';
  allocations: readonly { sellerId: string; amount: number; fee: number }[];
}

/** Approval: what the refund returns leaves the sellers (and the platform's fees) for refunds payable. */
export function refundApprovedEntry(
  refund: RefundBooking,
  at: string,
): JournalEntry & { sellerMoves: SellerMoves } {
  const lines: JournalLine[] = refund.fromSuspense
    ? [{ account: 'suspense', amount: refund.amount }]
    : [
        ...refund.allocations.map((allocation) => ({
          account: sellerAccount(allocation.sellerId),
          amount: allocation.amount - allocation.fee,
        })),
        {
          account: 'platform_commission' as const,
          amount: refund.allocations.reduce((sum, a) => sum + a.fee, 0),
        },
      ];
  const sellerMoves: SellerMoves = {};
  if (!refund.fromSuspense) {
    for (const allocation of refund.allocations) {
      const bears = allocation.amount - allocation.fee;
      sellerMoves[allocation.sellerId] = { [refund.sellerBucket]: -bears, reservedForRefunds: bears };
    }
  }
  return {
    ...journalEntry({
      id: `refund_approved:${refund.refundId}`,
      at,
      currency: refund.currency,
      reason: 'refund_approved',
      orderId: refund.orderId,
      refundId: refund.refundId,
      lines: [...lines, { account: 'refunds_payable', amount: -refund.amount }],
    }),
    sellerMoves,
  };
}

/**
 * Paid out: the transfer left the bank — or the wallet provider gave the money back out of what it
 * holds for us (`paidFrom`) — and the sellers' reserve for it is released.
 */
export function refundPaidOutEntry(
  refund: RefundBooking,
  at: string,
): JournalEntry & { sellerMoves: SellerMoves } {
  const sellerMoves: SellerMoves = {};
  if (!refund.fromSuspense) {
    for (const allocation of refund.allocations) {
      sellerMoves[allocation.sellerId] = { reservedForRefunds: -(allocation.amount - allocation.fee) };
    }
  }
  return {
    ...journalEntry({
      id: `refund_paid_out:${refund.refundId}`,
      at,
      currency: refund.currency,
      reason: 'refund_paid_out',
      orderId: refund.orderId,
      refundId: refund.refundId,
      lines: [
        { account: 'refunds_payable', amount: refund.amount },
        { account: refund.paidFrom ?? 'bank', amount: -refund.amount },
      ],
    }),
    sellerMoves,
  };
}

/** The bank returned the transfer: the approval is reversed and the money is refundable again. */
export function refundFailedEntry(
  refund: RefundBooking,
  at: string,
): JournalEntry & { sellerMoves: SellerMoves } {
  const approved = refundApprovedEntry(refund, at);
  const sellerMoves: SellerMoves = {};
  for (const [sellerId, moves] of Object.entries(approved.sellerMoves)) {
    sellerMoves[sellerId] = Object.fromEntries(
      Object.entries(moves).map(([bucket, amount]) => [bucket, -(amount ?? 0)]),
    );
  }
  return {
    ...journalEntry({
      ...approved,
      id: `refund_failed:${refund.refundId}`,
      reason: 'refund_failed',
      lines: approved.lines.map((line) => ({ account: line.account, amount: -line.amount })),
    }),
    sellerMoves,
  };
}

/** A payment PagoEfectivo settled: its gross leaves the receivable, the net reaches our bank, fees are expenses. */
export interface SettledPayment {
  settlementId: string;
  cip: string;
  operationNumber: string;
  /** The order it paid; a payment held in suspense may have none (an unknown CIP). */
  orderId?: string;
  /** The anomaly that holds a payment's cash in suspense (none for an order's own payment). */
  anomalyId?: string;
  currency: string;
  gross: number;
  commission: number;
  tax: number;
  net: number;
  /** Each seller's share that moves from pending to available (none for cash held in suspense). */
  released: Record<string, number>;
}

export function settlementEntry(
  payment: SettledPayment,
  at: string,
): JournalEntry & { sellerMoves: SellerMoves } {
  const sellerMoves: SellerMoves = {};
  for (const [sellerId, amount] of Object.entries(payment.released)) {
    if (amount !== 0) sellerMoves[sellerId] = { pending: -amount, available: amount };
  }
  return {
    ...journalEntry({
      // Per payment, not per line: a payment listed again (in this or a later report) is never booked twice.
      id: `settlement:${payment.cip}:${payment.operationNumber}`,
      at,
      currency: payment.currency,
      reason: 'settlement',
      ...(payment.orderId ? { orderId: payment.orderId } : {}),
      ...(payment.anomalyId ? { anomalyId: payment.anomalyId } : {}),
      settlementId: payment.settlementId,
      lines: [
        { account: 'bank', amount: payment.net },
        { account: 'psp_fee_expense', amount: payment.commission },
        { account: 'psp_fee_tax', amount: payment.tax },
        { account: 'psp_receivable', amount: -payment.gross },
      ],
    }),
    sellerMoves,
  };
}

/** A payout's transfer left the bank: we owe the seller that much less; in transit → paid out. */
export function payoutPaidEntry(
  payout: { id: string; sellerId: string; amount: number; currency: string },
  at: string,
): JournalEntry & { sellerMoves: SellerMoves } {
  return {
    ...journalEntry({
      id: `payout_paid:${payout.id}`,
      at,
      currency: payout.currency,
      reason: 'payout_paid',
      payoutId: payout.id,
      lines: [
        { account: sellerAccount(payout.sellerId), amount: payout.amount },
        { account: 'bank', amount: -payout.amount },
      ],
    }),
    sellerMoves: { [payout.sellerId]: { inTransit: -payout.amount, paidOut: payout.amount } },
  };
}
