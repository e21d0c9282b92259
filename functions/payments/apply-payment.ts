import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName } from '#contract/metrics';
import type { PaymentProviderName } from '#contract/service';
import {
  type Anomaly,
  type AnomalyType,
  INFORMATIONAL_ANOMALY_TYPES,
  notificationIds,
  POLLED_OPERATION as POLLED,
  paymentAnomalyId,
} from '#model/anomaly';
import { type JournalEntry, latePaymentEntry, paymentEntry, unmatchedPaymentEntry } from '#model/journal';
import type { Order, Payment, TransitionSource } from '#model/order';
import { cashOptionId, paidOptionId, storedOption } from '#model/payment-options';
import { statusAfterPayment } from '#model/state-machine';
import { transitioned } from '#model/transition';
import { walletFee, walletFees } from '#model/wallet-fees';
import { orderEventData } from '#orders/present';
import { now } from '#platform/clock';
import { READ_AGAIN, withFreshReads } from '#platform/optimistic';
import { logger, metrics } from '#platform/powertools';
import type { PaidAtSource } from '#psp/provider';
import { getAnomaly, recordAnomaly } from '#store/anomalies-repository';
import { findCreationIntent } from '#store/creation-intents';
import { heldPaymentAnomaly, ledgerWrites, noHeldPaymentCheck } from '#store/ledger-repository';
import { closurePut, type OptionClosure } from '#store/option-closures';
import {
  DuplicateItemError,
  findOrderIdByPaymentOption,
  getOrder,
  getOrderByCip,
  paymentRecordPut,
  recordOperationNumber,
  saveTransition,
} from '#store/orders-repository';
import { unconfirmedPaymentDatePut } from '#store/payment-dates';
import { proposeDoublePaymentRefund } from './double-payments';
import { closeOptions, closuresFor, type OptionClosers } from './option-closures';

/** A payment seen by a notification (with its operation number) or by polling the PSP (without). */
export interface ObservedPayment {
  cip: string;
  operationNumber: string | null;
  amountMinor: number;
  currency: string;
  paidAt: Date;
  /**
   * `received`: `paidAt` is when we heard of it (the PSP gave no date); sync-pending confirms the
   * provider's date later. Absent: the provider's own date.
   */
  paidAtSource?: PaidAtSource;
  /** Our order id, as the PSP echoes it in notifications (polling does not report it). */
  transactionCode?: string | undefined;
  /**
   * Who vouches for it: the provider whose signature the notification carried. Absent for
   * polling and settlement, which ask the provider that issued the order's voucher.
   */
  provider?: PaymentProviderName;
  /**
   * The wallet option it paid (`po_…`); absent for the cash voucher. A wallet payment's `cip` is
   * this id too, so its records and anomalies are keyed like a CIP's.
   */
  optionId?: string;
}

/**
 * How far a payment's date may fall before its order's creation (clocks of two parties, the
 * PSP's whole-second or whole-minute dates) and after our now, before it is implausible.
 */
export const PAYMENT_DATE_TOLERANCE_MS = { beforeCreation: 10 * 60_000, afterNow: 60 * 60_000 } as const;

/** Why a payment's date cannot be that of a payment of `order`, or undefined when it can. */
function implausibleDate(paidAt: Date, order: Order, at: Date): string | undefined {
  const paid = paidAt.getTime();
  if (Number.isNaN(paid)) return 'The payment date is not a date.';
  if (paid < Date.parse(order.createdAt) - PAYMENT_DATE_TOLERANCE_MS.beforeCreation)
    return `Paid at ${paidAt.toISOString()}, before the order was created (${order.createdAt}).`;
  if (paid > at.getTime() + PAYMENT_DATE_TOLERANCE_MS.afterNow)
    return `Paid at ${paidAt.toISOString()}, in the future (now ${at.toISOString()}).`;
  return undefined;
}

export type ApplyOutcome =
  | { result: 'applied'; orderId: string; status: Order['status'] }
  | { result: 'already_applied'; orderId: string }
  | { result: 'anomaly'; type: AnomalyType; orderId?: string };

/**
 * Applies one payment exactly once, whichever path found it (webhook or poll):
 * - the (cip, operationNumber) payment record is written in the same transaction as the status
 *   change, so a redelivery finds it and changes nothing;
 * - the status change is conditional on the status and version read, so of racing deliveries
 *   exactly one wins and the others re-read and see the payment already applied.
 */
export async function applyPayment(
  payment: ObservedPayment,
  source: Extract<TransitionSource, 'webhook' | 'poll' | 'settlement'>,
  notificationId?: string,
  /** Where given, the options the payment made redundant are closed at once (else sync-pending does it). */
  closers?: OptionClosers,
): Promise<ApplyOutcome> {
  let closures: OptionClosure[] = [];
  const outcome = await withFreshReads<ApplyOutcome>(
    async () => {
      closures = [];
      const order = await orderPaidBy(payment);
      const anomaly = (type: AnomalyType, detail: string, orderId?: string, suspense?: SuspenseKey) =>
        raiseAnomaly(type, detail, payment, source, notificationId, orderId, suspense);
      if (order === undefined) {
        const intent = payment.transactionCode
          ? await findCreationIntent(payment.transactionCode)
          : undefined;
        if (intent) {
          return anomaly(
            'orphan_voucher_paid',
            `CIP ${payment.cip} was minted for order ${intent.orderId} (reference "${intent.reference}", ` +
              `${intent.amount} ${intent.currency}), whose creation did not finish: the buyer paid a voucher ` +
              'no order holds. Fulfil it under that reference (if a retry created another order, that one ' +
              'may be paid too) or refund it, then resolve this anomaly.',
            intent.orderId,
          );
        }
        return anomaly('unknown_cip', `No order has CIP ${payment.cip}.`);
      }
      const optionId = payment.optionId ?? cashOptionId(order.id);
      const issuer =
        payment.optionId === undefined
          ? order.voucher.provider
          : storedOption(order, payment.optionId)?.provider;
      // A CIP number is only unique per provider: a notification counts for the voucher its signer issued.
      if (payment.provider !== undefined && payment.provider !== issuer) {
        return anomaly(
          'provider_mismatch',
          `${payment.provider} reported a payment of ${payment.cip}, but order ${order.id}'s option ` +
            `${payment.cip} was issued by ${issuer ?? 'nobody'}: not applied.`,
          order.id,
          // Cash the signer says it took, as for an unknown CIP; keyed apart from the order's own payment.
          `${payment.provider}:${payment.cip}:${payment.operationNumber ?? POLLED}`,
        );
      }
      if (
        order.payment &&
        paidOptionId(order) === optionId &&
        isSamePayment(order.payment.operationNumber, payment.operationNumber)
      ) {
        if (source === 'webhook' && contradicts(order.payment, payment)) {
          return contestPayment(order, payment, notificationId);
        }
        if (completesPolledPayment(order.payment, payment)) {
          const at = now().toISOString();
          if (!(await recordOperationNumber(order, payment.cip, payment.operationNumber ?? '', at)))
            return READ_AGAIN;
          logger.info('operation number recorded for a polled payment', {
            orderId: order.id,
            cip: payment.cip,
          });
        }
        return { result: 'already_applied', orderId: order.id };
      }
      // Settlement reports date payments by day and are reconciled on their own (docs/reconciliation.md).
      const wrongDate = source === 'settlement' ? undefined : implausibleDate(payment.paidAt, order, now());
      if (wrongDate !== undefined) {
        // Possibly an old notification replayed onto a reused CIP number: no money is assumed
        // (no suspense), the order stays as it is, and the PSP's own answer to the sync and the
        // expirer's final check decides it.
        return anomaly('implausible_payment_date', `${wrongDate} Not applied.`, order.id, NO_SUSPENSE);
      }
      if (payment.currency !== order.currency) {
        return anomaly(
          'currency_mismatch',
          `Paid in ${payment.currency}; the order is in ${order.currency}.`,
          order.id,
        );
      }
      if (payment.amountMinor !== order.amount) {
        return anomaly(
          'amount_mismatch',
          `Paid ${payment.amountMinor}; the order is for ${order.amount}.`,
          order.id,
        );
      }
      // A CIP (or wallet order) takes one payment. Seen first at another amount or currency, it is
      // held in suspense as that anomaly; the same payment seen again — by polling, which reports
      // no operation number and may report the voucher's own amount, or by the same operation —
      // is that payment, not a second one to apply (outside test 9, decision 134).
      const held = await heldPaymentAnomaly(payment.cip);
      if (held !== undefined && isSamePayment(heldOperation(held), payment.operationNumber)) {
        logger.warn('payment already held in suspense as an anomaly; not applied again', {
          orderId: order.id,
          cip: payment.cip,
          anomalyId: held,
          source,
        });
        return { result: 'anomaly', type: anomalyTypeOf(held), orderId: order.id };
      }
      if (held !== undefined) {
        // Another operation of a CIP whose one payment is held: not the order's payment either —
        // its cash is held apart, as a buyer paying twice, for a person to refund. (Applied, it
        // could never commit: the transaction below requires no held payment; outside test 10.)
        return anomaly(
          'duplicate_payment',
          `CIP ${payment.cip}'s payment is held as anomaly ${held}; operation ${payment.operationNumber} ` +
            'paid it again. Not applied to the order; its cash is held in suspense.',
          order.id,
        );
      }
      const paidBy = paidOptionId(order);
      if (paidBy !== undefined && paidBy !== optionId) {
        // Exactly one payment per order (decision 104): the order keeps the first; this one is
        // the buyer's money twice, held in suspense and proposed for refund.
        return anomaly(
          'double_payment',
          `Order ${order.id} was already paid by option ${paidBy}; option ${optionId} (${issuer}) was paid too ` +
            `(operation ${payment.operationNumber ?? 'found by polling'}). The second payment is held in suspense ` +
            'and a refund is proposed for approval.',
          order.id,
          // One per option: a CIP takes one payment, a wallet order one charge. Seen by polling
          // (no operation number) and by its notification, it is one payment, booked once.
          `${payment.cip}:double`,
        );
      }
      const next = statusAfterPayment(order.status);
      if (next === undefined) {
        return anomaly(
          'duplicate_payment',
          `Order is already ${order.status} with operation ${order.payment?.operationNumber ?? 'none'}; ` +
            `operation ${payment.operationNumber} paid it again.`,
          order.id,
        );
      }
      const updated = transitioned(order, next, source, now(), {
        payment: {
          ...(payment.optionId === undefined ? {} : { optionId: payment.optionId }),
          operationNumber: payment.operationNumber,
          paidAt: payment.paidAt.toISOString(),
          amount: payment.amountMinor,
          currency: order.currency,
          source,
          ...(notificationId ? { notificationId } : {}),
          paidAtSource: payment.paidAtSource ?? 'provider',
        },
      });
      const paidAt = payment.paidAt.toISOString();
      // A receipt time standing in for the date is queued, in this transaction, for sync-pending
      // to confirm with the provider's date (docs/providers.md "Payment dates").
      const unconfirmed =
        payment.paidAtSource === 'received'
          ? [
              unconfirmedPaymentDatePut({
                orderId: order.id,
                cip: payment.cip,
                provider: order.voucher.provider,
                receivedAt: paidAt,
              }),
            ]
          : [];
      // The money moves in the same transaction: sellers and platform for a payment on time,
      // suspense for one that came after the order was given up (until accepted or refunded).
      // A wallet payment carries its provider's fee rule (decision 115); the cash voucher's fees
      // come with PagoEfectivo's settlement report.
      const walletFeeRule =
        payment.optionId !== undefined && (issuer === 'culqi' || issuer === 'dlocal')
          ? walletFees()[issuer]
          : undefined;
      const booking =
        next === 'PAID'
          ? paymentEntry(
              updated,
              updated.updatedAt,
              walletFeeRule ? walletFee(walletFeeRule, updated.amount, updated.currency) : undefined,
            )
          : latePaymentEntry(updated, payment.amountMinor, updated.updatedAt);
      // Every other option stops being payable: its closure commits with the payment (decision 104).
      const toClose = closuresFor(order, optionId, updated.updatedAt);
      try {
        await saveTransition(order, updated, orderEventData(updated), [
          // First of the extras: held meanwhile (its mismatch recorded since the read above) → read again.
          noHeldPaymentCheck(payment.cip),
          paymentRecordPut(
            payment.cip,
            payment.operationNumber ?? POLLED,
            order.id,
            updated.updatedAt,
            source,
          ),
          ...ledgerWrites(booking),
          ...toClose.map(closurePut),
          ...unconfirmed,
        ]);
        closures = toClose;
        metrics.addMetric(next === 'PAID' ? 'PaymentApplied' : 'PaymentAppliedLate', MetricUnit.Count, 1);
        logger.info('payment applied', { orderId: order.id, cip: payment.cip, status: next, source });
        return { result: 'applied', orderId: order.id, status: next };
      } catch (error) {
        if (error instanceof DuplicateItemError)
          return error.index === 0 ? READ_AGAIN : { result: 'already_applied', orderId: order.id };
        throw error;
      }
    },
    () => {
      throw new Error(`Could not apply payment for CIP ${payment.cip}: it kept changing under us`);
    },
  );
  // After the commit, in the same step: a failure here leaves the closures to sync-pending's retry.
  if (closures.length > 0) {
    await closeOptions(closures, closers).catch((error: unknown) =>
      logger.warn('closing the other payment options failed; sync-pending retries', { error }),
    );
  }
  return outcome;
}

/** The order a payment is for: by its wallet option, or by its CIP. */
async function orderPaidBy(payment: ObservedPayment): Promise<Order | undefined> {
  if (payment.optionId === undefined) return getOrderByCip(payment.cip);
  const orderId = await findOrderIdByPaymentOption(payment.optionId);
  return orderId === undefined ? undefined : getOrder(orderId, true);
}

/** The suspense entry's key for a payment that changed no order, or NO_SUSPENSE when no money is assumed. */
type SuspenseKey = string | typeof NO_SUSPENSE;
const NO_SUSPENSE = Symbol('no suspense');

/**
 * PagoEfectivo takes one payment per CIP, so a payment whose operation number we do not know
 * (found by polling) is the same payment as any other seen for that CIP. Only two different known
 * operation numbers mean the buyer paid twice.
 */
function isSamePayment(applied: string | null, observed: string | null): boolean {
  return applied === null || observed === null || applied === observed;
}

/** The operation number in a payment anomaly's id (`<type>:<cip>:<operation>`), null when polled. */
function heldOperation(anomalyId: string): string | null {
  const operation = anomalyId.split(':').at(-1);
  return operation === undefined || operation === POLLED ? null : operation;
}

const anomalyTypeOf = (anomalyId: string) => anomalyId.split(':')[0] as AnomalyType;

/**
 * A payment found by polling has no operation number; its notification, arriving later with the
 * same amount and currency, supplies it (settlement reports list payments by that number).
 */
function completesPolledPayment(applied: Payment, observed: ObservedPayment): boolean {
  return (
    applied.operationNumber === null &&
    observed.operationNumber !== null &&
    applied.amount === observed.amountMinor &&
    applied.currency === observed.currency
  );
}

/**
 * The provider's signed notification names another amount or currency than the payment booked for
 * it: one found by polling (PagoEfectivo's search reports the voucher's own amount) or the same
 * operation notified before. The notification is the provider's word on what the buyer paid.
 */
function contradicts(applied: Payment, observed: ObservedPayment): boolean {
  return (
    observed.operationNumber !== null &&
    (applied.operationNumber === null || applied.operationNumber === observed.operationNumber) &&
    (applied.amount !== observed.amountMinor || applied.currency !== observed.currency)
  );
}

/**
 * A booked payment the provider contradicts (outside test 11): nothing is moved or undone by
 * itself — the order stays as it is, its ledger too — but the order records what the provider said
 * (`payment.contested`, event `order.payment_contested`) and fulfilment waits until a person resolves
 * the mismatch anomaly raised here, which pages like any mismatch. No cash is assumed into suspense:
 * the payment is one payment, already booked; the settlement report's line for it will disagree too.
 * Order first, then the anomaly (keyed by what caused it): a crash between the two is finished by
 * the redelivery, which finds the contest recorded and raises the anomaly.
 */
async function contestPayment(
  order: Order,
  payment: ObservedPayment,
  notificationId: string | undefined,
): Promise<ApplyOutcome | typeof READ_AGAIN> {
  const booked = order.payment as Payment;
  const operationNumber = payment.operationNumber as string;
  const type: AnomalyType = payment.currency !== booked.currency ? 'currency_mismatch' : 'amount_mismatch';
  const anomalyId = paymentAnomalyId(type, payment.cip, operationNumber);
  // Announced once per contest: not again for a redelivery, whichever contest the order names now
  // (amount and currency contests alternating; outside test 13). The anomaly is written after the
  // order, so a crash between the two leaves the order naming this contest: not written again.
  const recorded = booked.contested?.anomalyId === anomalyId || (await getAnomaly(anomalyId)) !== undefined;
  if (!recorded) {
    const at = now().toISOString();
    const next: Order = {
      ...order,
      payment: {
        ...booked,
        // A polled payment's number, from the provider's notification of it (as when it agrees):
        // another operation of the CIP is then a second payment, not a contest of this one.
        operationNumber,
        contested: {
          operationNumber,
          amount: payment.amountMinor,
          currency: payment.currency,
          anomalyId,
          at,
        },
      },
      updatedAt: at,
      version: order.version + 1,
    };
    // With the payment's record when the number is new to it, so its later copies dedupe on it.
    const record =
      booked.operationNumber === null
        ? [paymentRecordPut(payment.cip, operationNumber, order.id, at, 'webhook')]
        : [];
    try {
      // Conditional on the version read: losing a race reads again (withFreshReads).
      await saveTransition(order, next, orderEventData(next), record, 'order.payment_contested');
    } catch (error) {
      // The record is there already (the number was recorded once and written away since): the
      // order alone, as recordOperationNumber does.
      if (!(error instanceof DuplicateItemError)) throw error;
      await saveTransition(order, next, orderEventData(next), [], 'order.payment_contested');
    }
    logger.warn('a booked payment is contested by its notification', { orderId: order.id, anomalyId });
  }
  return raiseAnomaly(
    type,
    `The payment booked ${booked.source === 'poll' ? 'by polling' : `from operation ${booked.operationNumber}`} ` +
      `is ${booked.amount} ${booked.currency}; the provider's notification of operation ${operationNumber} says ` +
      `${payment.amountMinor} ${payment.currency}. Nothing was moved: the order stays ${order.status} and ` +
      'cannot be fulfilled until a person resolves this anomaly (refund what the buyer paid through the ' +
      "order's refunds — this anomaly holds no cash of its own — or resolve it once the provider confirms " +
      'the booked amount).',
    payment,
    'webhook',
    notificationId,
    order.id,
    NO_SUSPENSE,
  );
}

async function raiseAnomaly(
  type: AnomalyType,
  detail: string,
  payment: ObservedPayment,
  source: 'webhook' | 'poll' | 'settlement',
  notificationId: string | undefined,
  orderId: string | undefined,
  suspense?: SuspenseKey,
): Promise<ApplyOutcome> {
  const id = paymentAnomalyId(type, payment.cip, payment.operationNumber);
  const detectedAt = now().toISOString();
  // The cash is ours to account for even though it changed no order: into suspense, once per
  // payment (a mismatch seen by polling and again by its notification is one payment: keyed by
  // CIP; a second payment of a CIP has its own operation number).
  const key =
    suspense ??
    (type === 'duplicate_payment' ? `${payment.cip}:${payment.operationNumber ?? POLLED}` : payment.cip);
  const anomalyRecord: Anomaly = {
    id,
    type,
    detectedAt,
    detail,
    cip: payment.cip,
    ...(payment.operationNumber === null ? {} : { operationNumber: payment.operationNumber }),
    ...(payment.optionId === undefined ? {} : { optionId: payment.optionId }),
    ...(payment.provider === undefined ? {} : { provider: payment.provider }),
    orderId,
    amount: payment.amountMinor,
    currency: payment.currency,
    ...notificationIds(notificationId),
    source,
  };
  const booking =
    key === NO_SUSPENSE
      ? undefined
      : unmatchedPaymentEntry(key, payment.amountMinor, payment.currency, detectedAt, id, orderId);
  const recorded = await reportAnomaly(anomalyRecord, booking);
  // Its refund proposal, on every sighting until one stands (double-payments.ts, decision 114).
  if (type === 'double_payment') await proposeDoublePaymentRefund(anomalyRecord, recorded);
  return { result: 'anomaly', type, ...(orderId ? { orderId } : {}) };
}

/** The metric an anomaly counts in: the paging one, or the dashboard's for informational ones. */
export const anomalyMetric = (type: AnomalyType): MetricName =>
  INFORMATIONAL_ANOMALY_TYPES.has(type) ? 'InformationalAnomaly' : 'PaymentAnomaly';

/**
 * Stores an anomaly (announced once through the outbox) and counts it for the alarm — once per
 * anomaly, so the alarm tracks new problems, not how often the PSP reports the same one again.
 */
export async function reportAnomaly(anomaly: Anomaly, booking?: JournalEntry): Promise<boolean> {
  const context = {
    type: anomaly.type,
    cip: anomaly.cip,
    orderId: anomaly.orderId,
    notificationId: anomaly.notificationId,
  };
  if ((await recordAnomaly(anomaly, booking ? ledgerWrites(booking) : [])) === 'recorded') {
    metrics.addMetric(anomalyMetric(anomaly.type), MetricUnit.Count, 1);
    logger.warn('payment anomaly', { ...context, detail: anomaly.detail });
    return true;
  }
  logger.info('payment anomaly seen again', context);
  return false;
}
