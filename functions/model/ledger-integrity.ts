import { ALL_SELLERS_ACCOUNT, FIXED_ACCOUNTS, type JournalEntry, sellerOf } from './journal';

/**
 * The ledger's self-check, as pure data (jobs/ledger-integrity.ts reads and stores; this decides).
 * Entries are folded in one at a time — in any order across subjects, but each subject's (an
 * order's, a payout's, an anomaly's) entries one after another, as the ledger index gives them —
 * into running sums small enough to checkpoint. Then the sums are compared with the stored totals.
 *
 * Invariants, in the order a report lists what breaks them:
 * - `entry_balances`: every entry's lines sum to zero, in integers;
 * - `payment_applied_once`: an order is paid (on time or late) at most once, a late payment is
 *   accepted at most once and only after it was booked, and no payment is settled twice;
 * - `refunds_within_payment`: what an order's refunds return (approved, less failed) never exceeds
 *   the cash booked for it (its payment and any duplicate or extra payment);
 * - `suspense_not_overdrawn`: the cash an order put in suspense is never taken out twice (accepting
 *   a late payment credits only what refunds left of it);
 * - `account_total`: each fixed account's running total (and `seller_payable`, every seller's) =
 *   Σ its journal lines;
 * - `seller_owed`, `seller_reserved`, `seller_paid_out`, `seller_in_transit`: each seller's balance
 *   item agrees with its lines: pending + available + in transit = what the journal says we owe
 *   them, reserved = their shares of refunds approved and not yet paid out or failed, paid out =
 *   Σ payouts paid, in transit = Σ payouts approved and not yet paid;
 * - `trial_balance`: the stored totals of each currency sum to zero.
 * `expected` is what the journal says, `actual` what is stored (or counted).
 */
export type IntegrityCheck =
  | 'entry_balances'
  | 'payment_applied_once'
  | 'refunds_within_payment'
  | 'suspense_not_overdrawn'
  | 'account_total'
  | 'seller_owed'
  | 'seller_reserved'
  | 'seller_paid_out'
  | 'seller_in_transit'
  | 'trial_balance';

export interface IntegrityDifference {
  check: IntegrityCheck;
  /** The account (`platform_commission`, `seller_payable:<sellerId>`, …), order or entry at fault. */
  account?: string;
  orderId?: string;
  entryId?: string;
  currency: string;
  expected: number;
  actual: number;
}

/** What one order (or payout, or anomaly) has booked so far: its entries are read together. */
interface SubjectSums {
  id: string;
  currency: string;
  /** Cash booked for it: Σ `psp_receivable` debits of its payment entries. */
  cash: number;
  orderPayments: number;
  latePayments: number;
  lateAccepted: number;
  payments: number;
  settlements: number;
  suspense: number;
  refunds: Record<
    string,
    { amount: number; shares: Record<string, number>; closed: boolean; failed: boolean }
  >;
}

export interface IntegrityState {
  /** Σ journal lines, by account, then currency (each seller's account by its own name). */
  lines: Record<string, Record<string, number>>;
  /** By seller, then currency: what the journal says is reserved for refunds and paid out. */
  sellers: Record<string, Record<string, { reserved: number; paidOut: number }>>;
  entries: number;
  subject?: SubjectSums;
  /** The first differences found (kept bounded), and how many in all. */
  differences: IntegrityDifference[];
  differenceCount: number;
}

/** A report names this many differences at most (the count is always whole). */
export const MAX_LISTED_DIFFERENCES = 100;

export function emptyIntegrityState(): IntegrityState {
  return { lines: {}, sellers: {}, entries: 0, differences: [], differenceCount: 0 };
}

function differ(state: IntegrityState, difference: IntegrityDifference): void {
  state.differenceCount++;
  if (state.differences.length < MAX_LISTED_DIFFERENCES) state.differences.push(difference);
}

const bump = <K extends string>(record: Record<K, number>, key: K, amount: number) => {
  record[key] = (record[key] ?? 0) + amount;
};

/** `record[key]`, made first if missing. */
export function slot<V>(record: Record<string, V>, key: string, make: () => V): V {
  const found = record[key];
  if (found !== undefined) return found;
  const made = make();
  record[key] = made;
  return made;
}

const sellerSums = (state: IntegrityState, sellerId: string, currency: string) =>
  slot(
    slot(state.sellers, sellerId, () => ({})),
    currency,
    () => ({ reserved: 0, paidOut: 0 }),
  );
const refundSums = (subject: SubjectSums, refundId: string) =>
  slot(subject.refunds, refundId, () => ({ amount: 0, shares: {}, closed: false, failed: false }));

/** Which subject an entry belongs to (the ledger index's grouping; contract/entities/journal-entry.ts). */
export type SubjectOf = (entry: JournalEntry) => string;

/** Folds one entry in. Entries of a subject must come one after another. */
export function foldEntry(state: IntegrityState, entry: JournalEntry, subjectOf: SubjectOf): void {
  const subjectId = subjectOf(entry);
  if (state.subject?.id !== subjectId) {
    closeSubject(state);
    state.subject = {
      id: subjectId,
      currency: entry.currency,
      cash: 0,
      orderPayments: 0,
      latePayments: 0,
      lateAccepted: 0,
      payments: 0,
      settlements: 0,
      suspense: 0,
      refunds: {},
    };
  }
  const subject = state.subject as SubjectSums;
  state.entries++;
  const total = entry.lines.reduce((sum, line) => sum + line.amount, 0);
  if (total !== 0 || !entry.lines.every((line) => Number.isSafeInteger(line.amount))) {
    differ(state, {
      check: 'entry_balances',
      entryId: entry.id,
      currency: entry.currency,
      expected: 0,
      actual: total,
    });
  }
  for (const line of entry.lines) {
    bump(
      slot(state.lines, line.account, () => ({})),
      entry.currency,
      line.amount,
    );
    if (line.account === 'suspense') subject.suspense += line.amount;
  }
  // A wallet payment's receivable is net of the fee booked with it (decision 115): the cash is the gross.
  const receivable = entry.lines
    .filter(
      (line) =>
        line.account === 'psp_receivable' ||
        (entry.reason === 'payment' &&
          (line.account === 'psp_fee_expense' || line.account === 'psp_fee_tax')),
    )
    .reduce((sum, line) => sum + line.amount, 0);
  const sellerLines = entry.lines.flatMap((line) => {
    const sellerId = sellerOf(line.account);
    return sellerId === undefined ? [] : [{ sellerId, amount: line.amount }];
  });
  const refundId = entry.refundId ?? '';
  switch (entry.reason) {
    case 'payment':
      subject.orderPayments++;
      subject.payments++;
      subject.cash += receivable;
      break;
    case 'late_payment':
      subject.orderPayments++;
      subject.latePayments++;
      subject.payments++;
      subject.cash += receivable;
      break;
    case 'unmatched_payment':
      subject.payments++;
      subject.cash += receivable;
      break;
    case 'late_payment_accepted':
      subject.lateAccepted++;
      break;
    case 'settlement':
      subject.settlements++;
      break;
    case 'refund_approved': {
      const amount = -(entry.lines.find((line) => line.account === 'refunds_payable')?.amount ?? 0);
      const refund = refundSums(subject, refundId);
      refund.amount += amount;
      for (const line of sellerLines) bump(refund.shares, line.sellerId, line.amount);
      break;
    }
    case 'refund_paid_out':
    case 'refund_failed': {
      const refund = refundSums(subject, refundId);
      refund.closed = true;
      if (entry.reason === 'refund_failed') refund.failed = true;
      break;
    }
    case 'payout_paid':
      for (const line of sellerLines) sellerSums(state, line.sellerId, entry.currency).paidOut += line.amount;
      break;
  }
}

/** The subject's own checks, once all its entries are in (called when the next one starts, and at the end). */
export function closeSubject(state: IntegrityState): void {
  const subject = state.subject;
  if (subject === undefined) return;
  state.subject = undefined;
  const about = { orderId: subject.id, currency: subject.currency };
  if (subject.orderPayments > 1)
    differ(state, { check: 'payment_applied_once', ...about, expected: 1, actual: subject.orderPayments });
  if (subject.lateAccepted > subject.latePayments)
    differ(state, {
      check: 'payment_applied_once',
      ...about,
      expected: subject.latePayments,
      actual: subject.lateAccepted,
    });
  if (subject.settlements > subject.payments)
    differ(state, {
      check: 'payment_applied_once',
      ...about,
      expected: subject.payments,
      actual: subject.settlements,
    });
  let refunded = 0;
  for (const refund of Object.values(subject.refunds)) {
    if (!refund.failed) refunded += refund.amount;
    if (refund.closed) continue;
    for (const [sellerId, share] of Object.entries(refund.shares))
      sellerSums(state, sellerId, subject.currency).reserved += share;
  }
  if (refunded > subject.cash)
    differ(state, { check: 'refunds_within_payment', ...about, expected: subject.cash, actual: refunded });
  // Suspense is a liability: an order's lines there are credits (cash in) and debits (cash out);
  // more out than in means the same cash left twice.
  if (subject.suspense > 0)
    differ(state, { check: 'suspense_not_overdrawn', ...about, expected: 0, actual: subject.suspense });
}

type Buckets = {
  pending: number;
  available: number;
  reservedForRefunds: number;
  inTransit: number;
  paidOut: number;
};

export interface StoredTotals {
  /** `ACCOUNT#<account>` running totals: account → currency → balance. */
  accounts: Record<string, Record<string, number>>;
  /** Seller balance items: seller → currency → buckets (missing = all zero). */
  sellers: Record<string, Record<string, Partial<Buckets>>>;
  /** Σ approved, unpaid payouts: seller → currency → amount. */
  inTransit: Record<string, Record<string, number>>;
}

/** After the last entry: the running sums against the stored totals. Returns the state's differences. */
export function compareTotals(state: IntegrityState, stored: StoredTotals, currencies: readonly string[]) {
  closeSubject(state);
  const check = (difference: IntegrityDifference) => {
    if (difference.expected !== difference.actual) differ(state, difference);
  };
  const sellerIds = Object.keys(state.lines)
    .map((account) => sellerOf(account as `seller_payable:${string}`))
    .filter((id): id is string => id !== undefined)
    .sort();
  for (const currency of currencies) {
    for (const account of FIXED_ACCOUNTS)
      check({
        check: 'account_total',
        account,
        currency,
        expected: state.lines[account]?.[currency] ?? 0,
        actual: stored.accounts[account]?.[currency] ?? 0,
      });
    check({
      check: 'account_total',
      account: ALL_SELLERS_ACCOUNT,
      currency,
      expected: sellerIds.reduce(
        (sum, id) => sum + (state.lines[`seller_payable:${id}`]?.[currency] ?? 0),
        0,
      ),
      actual: stored.accounts[ALL_SELLERS_ACCOUNT]?.[currency] ?? 0,
    });
  }
  for (const sellerId of sellerIds) {
    const account = `seller_payable:${sellerId}`;
    for (const currency of currencies) {
      const buckets = stored.sellers[sellerId]?.[currency] ?? {};
      const bucket = (name: keyof Buckets) => buckets[name] ?? 0;
      const sums = state.sellers[sellerId]?.[currency] ?? { reserved: 0, paidOut: 0 };
      const about = { account, currency };
      check({
        check: 'seller_owed',
        ...about,
        // Credits are what we owe: a negative balance of the seller's account.
        expected: -(state.lines[account]?.[currency] ?? 0),
        actual: bucket('pending') + bucket('available') + bucket('inTransit'),
      });
      check({
        check: 'seller_reserved',
        ...about,
        expected: sums.reserved,
        actual: bucket('reservedForRefunds'),
      });
      check({ check: 'seller_paid_out', ...about, expected: sums.paidOut, actual: bucket('paidOut') });
      check({
        check: 'seller_in_transit',
        ...about,
        expected: stored.inTransit[sellerId]?.[currency] ?? 0,
        actual: bucket('inTransit'),
      });
    }
  }
  for (const currency of currencies) {
    const accounts = [...FIXED_ACCOUNTS, ALL_SELLERS_ACCOUNT];
    check({
      check: 'trial_balance',
      currency,
      expected: 0,
      actual: accounts.reduce((sum, account) => sum + (stored.accounts[account]?.[currency] ?? 0), 0),
    });
  }
  return { differenceCount: state.differenceCount, differences: state.differences };
}

/** The sellers whose balance items the comparison needs. */
export function sellersIn(state: IntegrityState): string[] {
  return Object.keys(state.lines)
    .map((account) => sellerOf(account as `seller_payable:${string}`))
    .filter((id): id is string => id !== undefined);
}
