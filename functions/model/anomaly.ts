/**
 * A payment anomaly as the domain and the store hold it, declared on its own;
 * payments/anomaly-schemas.ts checks at compile time that `AnomalySchema` describes exactly this.
 */
export const ANOMALY_TYPES = [
  'unknown_cip',
  'amount_mismatch',
  'currency_mismatch',
  'duplicate_payment',
  // A second payment of an order through another of its payment options (decision 104).
  'double_payment',
  'orphan_voucher_paid',
  // Signed by another provider than the one that issued the order's voucher (a CIP number both use).
  'provider_mismatch',
  // Paid before the order existed, or far in the future: a replayed or broken notification.
  'implausible_payment_date',
  // The provider's payment date, confirmed after the receipt time stood in, says on time where the
  // order says late (PAID_LATE) or the reverse: a person decides; no status or money moves by itself.
  'payment_date_disagrees',
  'unknown_event_type',
  'unparsable_notification',
  // A signed wallet notification naming an order its provider does not know when read back.
  'unknown_wallet_order',
  // Settlement reconciliation (docs/reconciliation.md): one per line class that is not `matched`.
  'settlement_amount_mismatch',
  'settlement_currency_mismatch',
  'settlement_unknown_payment',
  'settlement_duplicate_line',
  'refunded_before_settlement',
  'commission_mismatch',
  'missing_notification',
  'unsettled_payment',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/**
 * Anomalies that ask nothing of anyone (docs/reconciliation.md: "informational"): listed and
 * announced like the rest, but not counted where a person is paged (PaymentAnomaly) — a page for
 * each would hold the alarm in ALARM over the next real one.
 */
export const INFORMATIONAL_ANOMALY_TYPES: ReadonlySet<AnomalyType> = new Set([
  'refunded_before_settlement',
  // No money moved (the provider's own answer decides); a person looks, nobody is woken.
  'unknown_wallet_order',
]);

// A type alias, not an interface: the store and outbox take it as a plain record.
export type Anomaly = {
  id: string;
  type: AnomalyType;
  detectedAt: string;
  detail: string;
  cip?: string;
  operationNumber?: string;
  /** The payment option it came by (wallet options; the CIP otherwise). */
  optionId?: string;
  /** Who took the money (where the notification said). */
  provider?: string;
  orderId?: string;
  amount?: number;
  currency?: string;
  /** The PSP notification it came from: its id, the SHA-256 of the body (the raw notification's key). */
  notificationId?: string;
  /**
   * @deprecated `notificationId` under its name before decision 117, kept with the same value for
   * API clients and `payment.anomaly` subscribers that read it.
   */
  webhookId?: string;
  source: 'webhook' | 'poll' | 'settlement';
  settlementId?: string;
  line?: number;
  /** The refund proposed or requested for its money (a double payment's, decision 114). */
  refundId?: string;
  /**
   * Whether its cash was booked into suspense with it — only then is it refunded by naming it
   * (decision 137). Absent on anomalies recorded before: see `holdsSuspenseCash`.
   */
  heldInSuspense?: boolean;
  resolvedAt?: string;
  /** The API key that resolved it, and what was done (refund reference, order accepted, …). */
  resolvedBy?: string;
  resolution?: string;
};

/** Stands in for the operation number of a payment found by polling, in keys and ids. */
export const POLLED_OPERATION = 'polled';

/** The id of the anomaly a payment (CIP and operation; null when only polling saw it) raises. */
export function paymentAnomalyId(type: AnomalyType, cip: string, operationNumber: string | null): string {
  // A double payment is one per option (its suspense key): so is its anomaly, and its refund proposal.
  return type === 'double_payment'
    ? `${type}:${cip}`
    : `${type}:${cip}:${operationNumber ?? POLLED_OPERATION}`;
}

/**
 * The ids of the contests a payment's operation may have — on its amount, on its currency — given
 * one of them (`paymentAnomalyId`'s form: `<type>:<cip>:<operation>`).
 */
export function contestIdsOf(anomalyId: string): string[] {
  const payment = anomalyId.slice(anomalyId.indexOf(':'));
  return (['amount_mismatch', 'currency_mismatch'] as const).map((type) => `${type}${payment}`);
}

/** The notification an anomaly came from, under its name and the deprecated one (decision 117). */
export function notificationIds(
  notificationId: string | undefined,
): Pick<Anomaly, 'notificationId' | 'webhookId'> {
  return notificationId === undefined ? {} : { notificationId, webhookId: notificationId };
}

/**
 * An anomaly as stored, whenever it was stored: items written before decision 117 name their
 * notification only `webhookId`; they are read with `notificationId` too.
 */
export function withNotificationId(anomaly: Anomaly): Anomaly {
  if (anomaly.notificationId !== undefined || anomaly.webhookId === undefined) return anomaly;
  return { ...anomaly, notificationId: anomaly.webhookId };
}

/**
 * The payment anomalies that book a payment's cash into suspense (`unmatchedPaymentEntry`) — a
 * payment that changed no order — and that a PagoEfectivo settlement line may therefore settle.
 * Not `implausible_payment_date` (no money is assumed) and not `provider_mismatch` (another
 * provider's money, which PagoEfectivo's report does not settle).
 */
export const SUSPENSE_ANOMALY_TYPES = [
  'unknown_cip',
  'orphan_voucher_paid',
  'amount_mismatch',
  'currency_mismatch',
  'duplicate_payment',
  'double_payment',
] as const satisfies readonly AnomalyType[];

/** The payment anomalies that booked their cash into suspense before `heldInSuspense` was recorded. */
const CASH_ANOMALY_TYPES: ReadonlySet<AnomalyType> = new Set([
  ...SUSPENSE_ANOMALY_TYPES,
  'provider_mismatch',
]);

/**
 * Whether an anomaly holds cash in suspense: only then may a refund be drawn from it, or a
 * settlement line's arrival be booked against it. One that holds none — a contested payment (the
 * cash is the order's, booked to its sellers), an implausible date, a settlement line — would
 * overdraw suspense, or book one payment's arrival twice (outside test 12).
 */
export function holdsSuspenseCash(anomaly: Anomaly): boolean {
  return anomaly.heldInSuspense ?? CASH_ANOMALY_TYPES.has(anomaly.type);
}
