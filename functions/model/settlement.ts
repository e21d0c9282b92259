import {
  type Anomaly,
  type AnomalyType,
  holdsSuspenseCash,
  paymentAnomalyId,
  SUSPENSE_ANOMALY_TYPES,
} from './anomaly';
import type { Order } from './order';
import { contractedFees, type SettlementConfig } from './settlement-config';

/** One payment as PagoEfectivo's settlement report lists it; amounts in minor units. */
export interface ReportLine {
  /** Line of the file (the header is line 1), or row of the sheet. */
  line: number;
  cip: string;
  operationNumber: string;
  transactionCode?: string;
  currency: string;
  gross: number;
  commission: number;
  tax: number;
  net: number;
  /** ISO-8601 instant (the report gives Lima wall time). */
  paidAt: string;
  /** `yyyy-mm-dd`, a Lima calendar date. */
  settledOn: string;
  channel?: string;
}

/** What a report line turned out to be (docs/reconciliation.md says what a person does about each). */
export const LINE_OUTCOMES = [
  'matched',
  'amount_mismatch',
  'currency_mismatch',
  'unknown_payment',
  'duplicate_line',
  'refunded_before_settlement',
  'commission_mismatch',
  'missing_notification',
  'invalid_line',
] as const;
export type LineOutcome = (typeof LINE_OUTCOMES)[number];

/** Every outcome but `matched` (and `invalid_line`, which the caller chose to accept) is an anomaly. */
export const ANOMALY_FOR: Partial<Record<LineOutcome, AnomalyType>> = {
  amount_mismatch: 'settlement_amount_mismatch',
  currency_mismatch: 'settlement_currency_mismatch',
  unknown_payment: 'settlement_unknown_payment',
  duplicate_line: 'settlement_duplicate_line',
  refunded_before_settlement: 'refunded_before_settlement',
  commission_mismatch: 'commission_mismatch',
  missing_notification: 'missing_notification',
};

export interface Amounts {
  gross: number;
  commission: number;
  tax: number;
  net: number;
}
export const AMOUNT_FIELDS = ['gross', 'commission', 'tax', 'net'] as const;

export type SettlementStatus = 'IMPORTING' | 'COMPLETED';

export interface Settlement {
  id: string;
  status: SettlementStatus;
  fileName: string;
  fileSha256: string;
  format: 'csv' | 'xlsx';
  /** Bad lines were accepted as `invalid_line` (the caller asked for `?partial=true`). */
  partial: boolean;
  importedAt: string;
  importedBy: string;
  completedAt?: string;
  /** The latest settlement date the report lists (`yyyy-mm-dd`, Lima). */
  settledOn: string;
  /** Lines in the report (the header not counted). */
  lines: number;
  /** The last line whose effect is recorded: an interrupted import resumes after it. */
  processedThrough: number;
  counts: Record<LineOutcome, number>;
  /** What the report says, per currency. */
  totals: Record<string, Amounts>;
  /** What our orders and the contract say the same lines should be, per currency. */
  expected: Record<string, Amounts>;
  /** Why the last attempt stopped before the end (while IMPORTING): posting the same file resumes it. */
  lastError?: { at: string; processedThrough: number; reason: string };
}

/** One line as reconciled: what the report said, what we expected, and what it turned out to be. */
export interface SettlementLineRecord {
  line: number;
  outcome: LineOutcome;
  detail: string;
  cip?: string;
  operationNumber?: string;
  transactionCode?: string;
  currency?: string;
  gross?: number;
  commission?: number;
  tax?: number;
  net?: number;
  paidAt?: string;
  settledOn?: string;
  channel?: string;
  orderId?: string;
  expected?: Amounts;
  /** The currency of `expected`: the order's, which a `currency_mismatch` line's `currency` is not. */
  expectedCurrency?: string;
  anomalyId?: string;
  /**
   * The payment anomaly that held this payment's cash in suspense, whose arrival the line booked
   * (bank and PSP fees against `psp_receivable`); the order and its sellers are untouched.
   */
  suspenseAnomalyId?: string;
  problems?: { column: string; message: string }[];
}

/** Report identity is its content: the same bytes twice are the same settlement. */
export const settlementIdFor = (sha256: string) => `stl_${sha256.slice(0, 32)}`;

/** What the contract says this payment's settlement should be. */
export function expectedAmounts(
  gross: number,
  currency: string,
  contract: SettlementConfig['commission'],
): Amounts {
  const { commission, tax } = contractedFees(gross, currency, contract);
  return { gross, commission, tax, net: gross - commission - tax };
}

export type Classification =
  /** This very line was reconciled before (an interrupted import running again). */
  | { kind: 'done_before' }
  /** Paid per the report, not per us: apply the payment first (then it settles). */
  | { kind: 'apply_payment' }
  | { kind: 'settles'; outcome: LineOutcome; detail: string; expected: Amounts }
  | { kind: 'flag'; outcome: LineOutcome; detail: string; expected?: Amounts };

/**
 * What one line of a report is, against the order its CIP belongs to (pure; docs/reconciliation.md).
 * The order was read after every earlier line of the report was applied, so a second line for the
 * same payment sees the first one's settlement.
 */
export function classifyLine(
  line: ReportLine,
  order: Order | undefined,
  settlementId: string,
  config: SettlementConfig,
): Classification {
  if (order === undefined || order.voucher.cip !== line.cip) {
    return {
      kind: 'flag',
      outcome: 'unknown_payment',
      detail: `No order of ours has CIP ${line.cip} (another integration on the same PagoEfectivo service?).`,
    };
  }
  // A settled order's payment listed again is a duplicate line; another operation of its CIP is
  // another payment (below), whichever report settled the first.
  const appliedOperation = order.payment?.operationNumber ?? null;
  if (
    order.settlement !== undefined &&
    (appliedOperation === null || appliedOperation === line.operationNumber)
  ) {
    if (order.settlement.id === settlementId && order.settlement.line === line.line)
      return { kind: 'done_before' };
    return {
      kind: 'flag',
      outcome: 'duplicate_line',
      detail:
        order.settlement.id === settlementId
          ? `Line ${order.settlement.line} of this report already settled this payment.`
          : `Settlement ${order.settlement.id} (line ${order.settlement.line}, ${order.settlement.settledOn}) already settled this payment.`,
    };
  }
  const expected = expectedAmounts(order.amount, order.currency, config.commission);
  if (line.currency !== order.currency) {
    return {
      kind: 'flag',
      outcome: 'currency_mismatch',
      detail: `Settled in ${line.currency}; the order is in ${order.currency}.`,
      expected,
    };
  }
  if (line.gross !== order.amount) {
    return {
      kind: 'flag',
      outcome: 'amount_mismatch',
      detail: `Settled ${line.gross}; the order is for ${order.amount}.`,
      expected,
    };
  }
  if (order.payment === undefined) return { kind: 'apply_payment' };
  const applied = order.payment.operationNumber;
  if (applied !== null && applied !== line.operationNumber) {
    return {
      kind: 'flag',
      outcome: 'unknown_payment',
      detail: `Operation ${line.operationNumber} is not the payment applied to order ${order.id} (operation ${applied}): a second payment of the CIP, held as an anomaly until refunded.`,
      expected,
    };
  }
  const tolerance = config.commission.toleranceMinor;
  if (
    Math.abs(line.commission - expected.commission) > tolerance ||
    Math.abs(line.tax - expected.tax) > tolerance
  ) {
    return {
      kind: 'settles',
      outcome: 'commission_mismatch',
      detail: `PagoEfectivo kept ${line.commission} + ${line.tax} IGV; the contract says ${expected.commission} + ${expected.tax}.`,
      expected,
    };
  }
  if ((order.refundReserved ?? 0) > 0 || (order.refundedAmount ?? 0) > 0 || order.status === 'REFUNDED') {
    return {
      kind: 'settles',
      outcome: 'refunded_before_settlement',
      detail: `Settled after refunds of ${order.refundReserved ?? 0} were requested (${order.refundedAmount ?? 0} paid out); the sellers' remaining shares become available.`,
      expected,
    };
  }
  return { kind: 'settles', outcome: 'matched', detail: 'Matched.', expected };
}

/** Line outcomes whose payment changed no order here, so any cash of it we hold sits in suspense. */
export const SUSPENSE_LINE_OUTCOMES: ReadonlySet<LineOutcome> = new Set([
  'unknown_payment',
  'amount_mismatch',
  'currency_mismatch',
]);

/**
 * The ids of the anomalies that may hold a report line's payment in suspense: by its operation
 * number, or by its CIP alone where only polling saw it.
 */
export function suspenseAnomalyIdsFor(line: Pick<ReportLine, 'cip' | 'operationNumber'>): string[] {
  const ids = SUSPENSE_ANOMALY_TYPES.flatMap((type) =>
    [line.operationNumber, null].map((operation) => paymentAnomalyId(type, line.cip, operation)),
  );
  return [...new Set(ids)];
}

/**
 * Whether `anomaly` holds exactly this line's cash: the same operation (or one polling saw without
 * its number) for the same amount in the same currency. Where they disagree, which is right is a
 * person's call, and nothing is booked.
 */
export function holdsLineCash(anomaly: Anomaly, line: ReportLine): boolean {
  return (
    holdsSuspenseCash(anomaly) &&
    (anomaly.operationNumber === undefined || anomaly.operationNumber === line.operationNumber) &&
    anomaly.amount === line.gross &&
    anomaly.currency === line.currency
  );
}

/**
 * Whether the order's sellers hold its cash (it reached PAID at some point: on time, or a late
 * payment accepted). Otherwise the cash is in suspense and a settlement moves no seller money.
 */
export function sellersHoldCash(order: Order): boolean {
  return order.history.some((entry) => entry.to === 'PAID');
}
