import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName } from '#contract/metrics';
import { holdsSuspenseCash } from '#model/anomaly';
import type { EventType } from '#model/event-types';
import { ulid } from '#model/ids';
import {
  type RefundBooking,
  refundApprovedEntry,
  refundFailedEntry,
  refundPaidOutEntry,
} from '#model/journal';
import type { Currency } from '#model/money';
import type { Order } from '#model/order';
import type { Actor, Refund, RefundStatus } from '#model/refund';
import { allocateRefund, refundableBySeller } from '#model/refund-allocation';
import { IllegalTransitionError } from '#model/state-machine';
import { transitioned } from '#model/transition';
import { orderEventData } from '#orders/present';
import { now } from '#platform/clock';
import { config } from '#platform/config';
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors';
import { assertAnotherApprover, principalOf, repeatsLastStep, stepped } from '#platform/lifecycle';
import { limaWallClock } from '#platform/lima-time';
import { StaleVersionError, withFreshReads } from '#platform/optimistic';
import { logger, metrics } from '#platform/powertools';
import {
  anomalyRefundUpdate,
  anomalyResolvedByRefundUpdate,
  getAnomaly,
  openPaymentContest,
} from '#store/anomalies-repository';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import { ledgerWrites } from '#store/ledger-repository';
import { getOrder, orderVersionCheck, transitionWrites } from '#store/orders-repository';
import {
  approvedAtOnceUpdate,
  getApprovedAtOnce,
  getRefund,
  getRefunds,
  orderAnomalyRefundUpdate,
  orderRefundUpdate,
  type StoredRefund,
  saveRefund,
} from '#store/refunds-repository';
import type { TransactItem } from '#store/transactions';
import { refundResponse } from './present';
import type { CreateRefundRequest } from './request-schemas';

/**
 * A new refund and the events it announces: REQUESTED, and — below the approval threshold —
 * APPROVED at once by the same key (two history entries, two events, version 2).
 */
function opened(requested: StoredRefund, approvedAtOnce: boolean, at: string, by: Actor) {
  const refund: StoredRefund = approvedAtOnce
    ? {
        ...requested,
        status: 'APPROVED',
        history: [...requested.history, { status: 'APPROVED', at, by }],
        version: 2,
      }
    : requested;
  const events: { type: EventType; refund: StoredRefund; data: Record<string, unknown> }[] = [
    { type: 'refund.requested', refund: requested, data: refundResponse(requested) },
  ];
  if (approvedAtOnce) events.push({ type: 'refund.approved', refund, data: refundResponse(refund) });
  return { refund, events };
}

export type { Actor };

/** A refund as requested: an API caller's (a bank account) or the system's proposal (back to a wallet too). */
export type RefundRequest = Omit<CreateRefundRequest, 'destination'> & { destination: Refund['destination'] };

/** Who moves a refund the provider pays itself (dLocal): its notifications, not an API key. */
export function providerActor(provider: string): Actor {
  const keyId = `provider:${provider}`;
  return { keyId, keyName: `${provider} (refund notification)`, principal: keyId };
}

/** Whether a step is taken by a provider's answer (its refund call or notification), not a person. */
const isProviderActor = (by: Actor) => by.keyId.startsWith('provider:');

const REFUNDABLE = new Set<Order['status']>(['PAID', 'FULFILLED', 'PAID_LATE']);

function booking(refund: StoredRefund, order: Order | undefined): RefundBooking {
  return {
    refundId: refund.id,
    orderId: refund.orderId,
    amount: refund.amount,
    currency: refund.currency,
    // A late payment's cash, or a duplicate/extra payment's, waits in suspense, not with the sellers.
    fromSuspense: refund.order.status === 'PAID_LATE' || refund.anomalyId !== undefined,
    allocations: refund.allocations,
    sellerBucket: order?.settlement ? 'available' : 'pending',
    // Back to a wallet through its provider's refund API: the provider pays it from what it owes us.
    ...(refund.destination.type === 'wallet_payment' ? { paidFrom: 'psp_receivable' as const } : {}),
  };
}

const EVENT: Record<RefundStatus, EventType> = {
  REQUESTED: 'refund.requested',
  APPROVED: 'refund.approved',
  REJECTED: 'refund.rejected',
  PAID_OUT: 'refund.paid_out',
  FAILED: 'refund.failed',
};

/** What a refund is drawn from: the order's payment, or the extra money an anomaly holds. */
interface Claim {
  currency: Currency;
  refundFee: boolean;
  allocations: StoredRefund['allocations'];
  payment: StoredRefund['payment'];
  anomalyId?: string;
  /** What refunds of the order already asked for (not rejected or failed): maker-checker adds it up. */
  alreadyRequested: number;
  /** The conditional writes that reserve the amount (one winner of any race for it). */
  reserve(refund: StoredRefund, at: string): TransactItem[];
}

/**
 * Every refund the order has had, whatever became of it (`own`), and what maker-checker adds up
 * for the order: its own refunds and its anomalies' (a duplicate payment's), read strongly from
 * the lists on the order, together. Counting only the order's own let one
 * person refund an anomaly's money just under the threshold, then the order's just under it again,
 * both approved at once (outside tester 4).
 */
async function refundsOfOrder(
  order: Order,
): Promise<{ own: StoredRefund[]; requestedOfOrder: (currency: Currency) => number }> {
  const [own, ofAnomalies] = await Promise.all([
    getRefunds((order.refunds ?? []).map((refund) => refund.id)),
    getRefunds((order.anomalyRefunds ?? []).map((refund) => refund.id)),
  ]);
  // Per currency, as the threshold is: an anomaly's dollars never add to the order's soles
  // (outside test 11).
  const all = [...own, ...ofAnomalies];
  return {
    own,
    requestedOfOrder: (currency) => countedForApproval(all.filter((refund) => refund.currency === currency)),
  };
}

/** The refunds that still stand (not rejected, not failed): what later refunds are allocated on. */
const standing = (refunds: readonly StoredRefund[]) =>
  refunds.filter((refund) => refund.status !== 'REJECTED' && refund.status !== 'FAILED');

/**
 * What counts toward the order's approval threshold: every refund a checker did not reject. A
 * FAILED refund was approved and sent; the requester may mark it failed themself, so freeing its
 * amount for the threshold would let one person send refund after refund past it alone.
 */
const countedForApproval = (refunds: readonly StoredRefund[]) =>
  refunds.filter((refund) => refund.status !== 'REJECTED').reduce((sum, refund) => sum + refund.amount, 0);

/**
 * A paid order's own payment: PAID, FULFILLED or PAID_LATE, never more than what is left of it,
 * allocated on what the order's standing refunds already took (refunds/allocation.ts).
 */
function orderClaim(
  order: Order,
  request: RefundRequest,
  history: readonly StoredRefund[],
  alreadyRequested: number,
): Claim {
  const earlier = standing(history);
  if (order.status === 'PENDING_PAYMENT') {
    throw new ConflictError(
      'order_not_paid',
      'The buyer has not paid: cancel the order instead (POST …/cancel).',
      {
        orderStatus: order.status,
      },
    );
  }
  if (!REFUNDABLE.has(order.status) || order.payment === undefined) {
    throw new ConflictError(
      'no_payment_to_refund',
      `The order is ${order.status}: there is no payment to refund.`,
      {
        orderStatus: order.status,
      },
    );
  }
  assertRefundable(request.amount, order.payment.amount - (order.refundReserved ?? 0));
  if (request.allocations) {
    const total = request.allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
    const left = refundableBySeller(order.splits, earlier);
    const problems = request.allocations.flatMap((allocation, index) => {
      const sellerLeft = left.get(allocation.sellerId);
      if (sellerLeft === undefined)
        return [{ field: `allocations.${index}.sellerId`, message: 'Not a seller of this order.' }];
      return allocation.amount > sellerLeft
        ? [
            {
              field: `allocations.${index}.amount`,
              message: `At most ${sellerLeft} of this seller's split is left to refund.`,
            },
          ]
        : [];
    });
    if (total !== request.amount) {
      problems.push({
        field: 'allocations',
        message: `Allocations add up to ${total}, not ${request.amount}.`,
      });
    }
    if (problems.length) throw new ValidationError(problems);
  }
  const refundFee = request.refundFee ?? true;
  const { payment } = order;
  return {
    currency: order.currency,
    refundFee,
    allocations: allocateRefund(request.amount, order.splits, refundFee, request.allocations, earlier),
    payment: {
      cip: order.voucher.cip,
      operationNumber: payment.operationNumber,
      amount: payment.amount,
      paidAt: payment.paidAt,
      source: payment.source,
      ...(payment.notificationId ? { notificationId: payment.notificationId } : {}),
    },
    alreadyRequested,
    reserve: (refund, at) => [
      orderRefundUpdate(order, {
        refundReserved: (order.refundReserved ?? 0) + refund.amount,
        refundedAmount: order.refundedAmount ?? 0,
        refunds: [...(order.refunds ?? []), { id: refund.id, amount: refund.amount }],
        updatedAt: at,
      }),
    ],
  };
}

/**
 * The extra money of a duplicate payment or an overpayment: it changed no order and sits in
 * suspense (booked with its anomaly). Refundable up to the anomaly's amount, whatever the order's
 * status; the order itself is not touched, nor its sellers.
 */
async function anomalyClaim(
  order: Order,
  anomalyId: string,
  request: RefundRequest,
  requestedOfOrder: (currency: Currency) => number,
): Promise<Claim> {
  const anomaly = await getAnomaly(anomalyId);
  if (anomaly === undefined) throw new ValidationError([{ field: 'anomalyId', message: 'No such anomaly.' }]);
  const { amount, currency } = anomaly;
  if (
    anomaly.orderId !== order.id ||
    amount === undefined ||
    !isCurrency(currency) ||
    !holdsSuspenseCash(anomaly)
  ) {
    throw new ConflictError(
      'anomaly_not_refundable',
      'This anomaly holds no payment of this order to refund.',
    );
  }
  const reserved = anomaly.refundReserved ?? 0;
  assertRefundable(request.amount, amount - reserved);
  return {
    currency,
    refundFee: false,
    allocations: [],
    anomalyId,
    payment: {
      cip: anomaly.cip ?? order.voucher.cip,
      operationNumber: anomaly.operationNumber ?? null,
      amount,
      paidAt: anomaly.detectedAt,
      source: anomaly.source ?? 'webhook',
      ...(anomaly.notificationId ? { notificationId: anomaly.notificationId } : {}),
    },
    // This anomaly's refunds listed before the order kept them (`anomalyRefunds`) count through
    // its own reservation.
    alreadyRequested: Math.max(
      requestedOfOrder(currency),
      (currency === order.currency ? (order.refundReserved ?? 0) : 0) + reserved,
    ),
    reserve: (refund, at) => [
      anomalyRefundUpdate(anomalyId, reserved, reserved + refund.amount, refund.id),
      // Listed on the order, conditional on its version: the order's refunds and its anomalies' are
      // one maker-checker total, and either changing meanwhile makes the other re-read.
      orderAnomalyRefundUpdate(order, refund, at),
    ],
  };
}

function assertRefundable(amount: number, refundable: number): void {
  if (amount > refundable) {
    throw new ConflictError('refund_exceeds_payment', `At most ${refundable} can still be refunded.`, {
      refundable,
    });
  }
}

const isCurrency = (value: unknown): value is Currency => value === 'PEN' || value === 'USD';

/** How long a requester's day total is kept: past the Lima day it counts for, with room for clock skew. */
const REFUND_DAY_TTL_SECONDS = 3 * 86_400;

/**
 * Maker-checker on cumulative amounts (decision 75). A refund is approved as it is requested only
 * while both stay below the stage's thresholds: the order's refunds with this one (not rejected or
 * failed), and what its requester had approved at once that Lima day (per currency) with this one.
 * Otherwise it waits for another key. Splitting a large refund into small ones therefore gains
 * nothing. Approved at once, the day's total moves in the refund's own transaction, conditional on
 * the total read, so racing requests cannot both slip under the cap.
 */
async function approvalAtOnce(
  amount: number,
  alreadyRequested: number,
  currency: Currency,
  by: Actor,
  at: string,
  proposal: boolean,
  contested: boolean,
): Promise<{ approvedAtOnce: false; why: string } | { approvedAtOnce: true; count: TransactItem }> {
  // A proposal (the system's, decision 114) is never approved by its maker: a person decides it.
  if (proposal) return { approvedAtOnce: false, why: 'proposal' };
  if (contested) return { approvedAtOnce: false, why: 'payment_contested' };
  const env = config();
  if (amount + alreadyRequested >= env.REFUND_APPROVAL_THRESHOLD) {
    return { approvedAtOnce: false, why: 'order_total' };
  }
  const day = {
    // Per person, not per key (decision 76): a second key of one principal does not reset the day.
    requesterId: principalOf(by),
    limaDay: limaWallClock(new Date(at)).toISOString().slice(0, 10),
    currency,
  };
  const before = await getApprovedAtOnce(day.requesterId, day.limaDay, day.currency);
  if (before + amount >= env.REFUND_DAILY_APPROVAL_THRESHOLD) {
    return { approvedAtOnce: false, why: 'requester_daily_total' };
  }
  const ttl = Math.floor(new Date(at).getTime() / 1000) + REFUND_DAY_TTL_SECONDS;
  return { approvedAtOnce: true, count: approvedAtOnceUpdate(day, before, before + amount, ttl) };
}

/**
 * A refund always stands on a recorded payment: an order's (PAID, FULFILLED or PAID_LATE), or —
 * naming its anomaly — a duplicate payment's or overpayment's. It waits for a second API key's
 * approval once the order's refunds or its requester's day reach the stage's thresholds
 * (`approvalAtOnce`); below both, it is approved as it is requested. The reservation, the refund,
 * its events and (once approved) its ledger entry and the requester's day commit together — with
 * `completion`, the request's idempotency record (decision 71); losing a race for any of them
 * re-reads and decides again.
 */
export async function requestRefund(
  orderId: string,
  request: RefundRequest,
  by: Actor,
  completion: CompletionWrites<StoredRefund> = noCompletion,
  /** A proposal waits for a person's approval whatever its amount (a double payment's, decision 114). */
  options: { proposal?: boolean } = {},
): Promise<StoredRefund> {
  return withFreshReads(
    async () => {
      const order = await getOrder(orderId, true);
      if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
      const { own, requestedOfOrder } = await refundsOfOrder(order);
      const claim = request.anomalyId
        ? await anomalyClaim(order, request.anomalyId, request, requestedOfOrder)
        : orderClaim(order, request, own, requestedOfOrder(order.currency));
      const at = now().toISOString();
      // The provider contradicts the payment booked (decision 137): what to give back is a second
      // person's call too, whatever the amount (outside test 12).
      const contested =
        order.payment?.contested !== undefined &&
        (await openPaymentContest(order.payment.contested.anomalyId)) !== undefined;
      const approval = await approvalAtOnce(
        request.amount,
        claim.alreadyRequested,
        claim.currency,
        by,
        at,
        options.proposal === true,
        contested,
      );
      const { approvedAtOnce } = approval;
      const requested: StoredRefund = {
        id: `rf_${ulid()}`,
        orderId: order.id,
        status: 'REQUESTED',
        amount: request.amount,
        currency: claim.currency,
        reason: request.reason,
        refundFee: claim.refundFee,
        allocations: claim.allocations,
        destination: request.destination,
        ...(request.note ? { note: request.note } : {}),
        ...(claim.anomalyId ? { anomalyId: claim.anomalyId } : {}),
        order: { id: order.id, reference: order.reference, status: order.status },
        payment: claim.payment,
        requestedBy: by,
        history: [{ status: 'REQUESTED', at, by }],
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const { refund, events } = opened(requested, approvedAtOnce, at, by);
      await saveRefund(undefined, refund, events, [
        ...claim.reserve(refund, at),
        ...(approval.approvedAtOnce
          ? [approval.count, ...ledgerWrites(refundApprovedEntry(booking(refund, order), at))]
          : []),
        ...completion(refund),
      ]);
      metrics.addMetric('RefundRequested', MetricUnit.Count, 1);
      logger.info('refund requested', {
        refundId: refund.id,
        orderId,
        status: refund.status,
        ...(approval.approvedAtOnce ? {} : { waitsForApprovalBecause: approval.why }),
      });
      return refund;
    },
    () => {
      throw new ConflictError(
        'order_changed',
        'The order changed while the refund was requested; try again.',
      );
    },
  );
}

type Move = 'approve' | 'reject' | 'mark-paid' | 'mark-failed';
const MOVE_METRIC: Record<RefundStatus, MetricName> = {
  REQUESTED: 'RefundRequested',
  APPROVED: 'RefundApproved',
  PAID_OUT: 'RefundPaidOut',
  REJECTED: 'RefundNotPaid',
  FAILED: 'RefundNotPaid',
};

/**
 * The order made REFUNDED by the refund paid out last. Illegal only when the order was read after
 * another step of this very refund had already refunded it (mark-paid racing mark-failed): the
 * refund read is stale, so it is read again — and found paid out, a 409, never a 500.
 */
function refundedTransition(order: Order, at: string): Order {
  try {
    return transitioned(order, 'REFUNDED', 'api', new Date(at));
  } catch (error) {
    if (error instanceof IllegalTransitionError) throw new StaleVersionError(error.message);
    throw error;
  }
}

/**
 * The order's side of a refund step: a rejected or failed refund frees its amount, a paid-out one
 * counts as refunded, and paid-out refunds reaching the whole payment make the order REFUNDED
 * (with `order.refunded`), all conditional on the order's version.
 */
async function orderBookkeeping(
  refund: StoredRefund,
  to: RefundStatus,
  at: string,
): Promise<{ order: Order; items: TransactItem[] }> {
  const order = await getOrder(refund.orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${refund.orderId}.`);
  // An approval books from `pending` or `available` by whether the payment is settled: a
  // settlement landing meanwhile (it writes the order) must fail this transaction, and re-read.
  if (to === 'APPROVED') return { order, items: [orderVersionCheck(order)] };
  const reserved = (order.refundReserved ?? 0) - (to === 'REJECTED' || to === 'FAILED' ? refund.amount : 0);
  const refunded = (order.refundedAmount ?? 0) + (to === 'PAID_OUT' ? refund.amount : 0);
  if (to === 'PAID_OUT' && order.payment !== undefined && refunded >= order.payment.amount) {
    const refundedOrder = {
      ...refundedTransition(order, at),
      refundReserved: reserved,
      refundedAmount: refunded,
    };
    return { order, items: transitionWrites(order, refundedOrder, orderEventData(refundedOrder)) };
  }
  return {
    order,
    items: [
      orderRefundUpdate(order, {
        refundReserved: reserved,
        refundedAmount: refunded,
        refunds: order.refunds,
        updatedAt: at,
      }),
    ],
  };
}

/**
 * A duplicate/extra payment's refund leaves the order alone; rejected or bounced, the anomaly frees
 * its amount; paid out in full, it resolves the anomaly (naming the refund) in the same transaction.
 */
async function anomalyBookkeeping(
  refund: StoredRefund,
  to: RefundStatus,
  by: Actor,
  at: string,
  details: { transferReference?: string },
): Promise<TransactItem[]> {
  if (!refund.anomalyId) return [];
  if (to === 'PAID_OUT') {
    const anomaly = await getAnomaly(refund.anomalyId);
    if (anomaly === undefined || anomaly.amount === undefined || refund.amount < anomaly.amount) return [];
    const via =
      refund.destination.type === 'wallet_payment'
        ? `back to the buyer's ${refund.destination.provider} wallet payment ${refund.destination.optionId}`
        : 'by bank transfer';
    return [
      anomalyResolvedByRefundUpdate(refund.anomalyId, {
        resolvedBy: by.keyId,
        resolution: `Refunded by refund ${refund.id} ${via}${details.transferReference ? ` (reference ${details.transferReference})` : ''}.`,
        at,
      }),
    ];
  }
  if (to !== 'REJECTED' && to !== 'FAILED') return [];
  const reserved = (await getAnomaly(refund.anomalyId))?.refundReserved ?? 0;
  return [anomalyRefundUpdate(refund.anomalyId, reserved, reserved - refund.amount)];
}
const MOVES: Record<Move, [from: RefundStatus, to: RefundStatus]> = {
  approve: ['REQUESTED', 'APPROVED'],
  reject: ['REQUESTED', 'REJECTED'],
  'mark-paid': ['APPROVED', 'PAID_OUT'],
  'mark-failed': ['APPROVED', 'FAILED'],
};

/**
 * Moves a refund along REQUESTED → APPROVED → PAID_OUT (or REJECTED / FAILED), conditional on
 * the refund's status and version, with its event, its ledger entry and the order's bookkeeping
 * in the same transaction. A rejected or failed refund frees its amount for another refund; the
 * paid-out refunds reaching the whole payment make the order REFUNDED (event `order.refunded`).
 */
export async function moveRefund(
  id: string,
  move: Move,
  by: Actor,
  details: { reason?: string; transferReference?: string; paidAt?: string; proofNote?: string } = {},
): Promise<StoredRefund> {
  const [from, to] = MOVES[move];
  return withFreshReads(
    async () => {
      const refund = await getRefund(id);
      if (refund === undefined) throw new NotFoundError(`No refund ${id}.`);
      // The same step by the same person, asked again (a retry after a lost answer): as it is.
      if (repeatsLastStep(refund, to, by, details)) return refund;
      if (refund.status !== from) {
        throw new ConflictError('invalid_status', `The refund is ${refund.status}; ${move} needs ${from}.`, {
          refundStatus: refund.status,
        });
      }
      // A refund the provider pays itself is marked by the provider's notification, never by hand;
      // nor is one back to a wallet marked paid by hand (only its provider's refund pays it).
      const wallet = refund.destination.type === 'wallet_payment' ? refund.destination.provider : undefined;
      if (move === 'mark-paid' && wallet !== undefined && by.keyId !== providerActor(wallet).keyId) {
        throw new ConflictError(
          'provider_refund',
          `This refund goes back to a ${wallet} wallet payment: ${wallet}'s refund API pays it (approve sends it), not a transfer.`,
        );
      }
      if (
        (move === 'mark-paid' || move === 'mark-failed') &&
        refund.providerRefund !== undefined &&
        by.keyId !== providerActor(refund.providerRefund.provider).keyId
      ) {
        throw new ConflictError(
          'provider_refund',
          `This refund is paid by ${refund.providerRefund.provider} (refund ${refund.providerRefund.id}); its notification marks it.`,
        );
      }
      // Sent to its provider and its answer not yet known (the call timed out, or is running now):
      // the provider may be paying it, so a person cannot free the money for another refund; approving
      // again asks the provider (the call is idempotent by refund id), whose answer marks it.
      if (
        move === 'mark-failed' &&
        refund.providerCallAt !== undefined &&
        refund.providerRefund === undefined &&
        !isProviderActor(by)
      ) {
        throw new ConflictError(
          'provider_refund_unresolved',
          `This refund was sent to its provider at ${refund.providerCallAt} and the answer is not known yet: approve it again to ask the provider; its answer marks the refund paid or failed.`,
        );
      }
      if (move === 'approve')
        assertAnotherApprover(
          refund.requestedBy,
          by,
          'Refunds at or above the approval threshold are approved by another person (principal) than the one that requested them.',
        );
      const at = now().toISOString();
      const next = stepped(refund, to, { status: to, at, by, ...details }, at);
      const { order, items: bookkeeping } = refund.anomalyId
        ? { order: undefined, items: await anomalyBookkeeping(refund, to, by, at, details) }
        : await orderBookkeeping(refund, to, at);
      const entry =
        to === 'APPROVED'
          ? refundApprovedEntry(booking(refund, order), at)
          : to === 'FAILED'
            ? refundFailedEntry(booking(refund, order), at)
            : to === 'PAID_OUT'
              ? refundPaidOutEntry(booking(refund, order), at)
              : undefined;
      await saveRefund(
        refund,
        next,
        [{ type: EVENT[to], refund: next, data: refundResponse(next) }],
        [...(entry ? ledgerWrites(entry) : []), ...bookkeeping],
      );
      metrics.addMetric(MOVE_METRIC[to], MetricUnit.Count, 1);
      logger.info('refund moved', { refundId: id, from, to });
      return next;
    },
    () => {
      throw new ConflictError('refund_changed', 'The refund or its order changed meanwhile; try again.');
    },
  );
}
