import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EventType } from '../events/outbox';
import {
  type RefundBooking,
  refundApprovedEntry,
  refundFailedEntry,
  refundPaidOutEntry,
} from '../ledger/journal';
import { ulid } from '../orders/ids';
import type { Currency } from '../orders/money';
import type { Order } from '../orders/order';
import { transitioned } from '../orders/transition';
import { now } from '../platform/clock';
import { config } from '../platform/config';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { logger, metrics } from '../platform/powertools';
import { anomalyRefundUpdate, getAnomaly } from '../store/anomalies-repository';
import { ledgerWrites } from '../store/ledger-repository';
import { eventItem, getOrder, orderItem } from '../store/orders-repository';
import {
  getRefund,
  orderRefundUpdate,
  StaleRefundError,
  type StoredRefund,
  saveRefund,
} from '../store/refunds-repository';
import { allocateRefund } from './allocation';
import type { CreateRefundRequest, RefundStatus } from './api-schemas';
import { refundResponse } from './present';

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

/** Who acts: the API key (id and name) the authorizer resolved. */
export interface Actor {
  keyId: string;
  keyName: string;
}

const REFUNDABLE = new Set<Order['status']>(['PAID', 'FULFILLED', 'PAID_LATE']);
const MAX_ATTEMPTS = 4;

function booking(refund: StoredRefund): RefundBooking {
  return {
    refundId: refund.id,
    orderId: refund.orderId,
    amount: refund.amount,
    currency: refund.currency,
    // A late payment's cash, or a duplicate/extra payment's, waits in suspense, not with the sellers.
    fromSuspense: refund.order.status === 'PAID_LATE' || refund.anomalyId !== undefined,
    allocations: refund.allocations,
  };
}

const EVENT: Partial<Record<RefundStatus, EventType>> = {
  REQUESTED: 'refund.requested',
  APPROVED: 'refund.approved',
  REJECTED: 'refund.rejected',
  PAID_OUT: 'refund.paid_out',
  FAILED: 'refund.failed',
};

/**
 * A refund always stands on a recorded payment: PAID, FULFILLED or PAID_LATE orders only, never
 * more than what is left of the payment. At or above the stage's threshold it waits for a second
 * API key's approval (maker-checker); below it, it is approved as it is requested. The order's
 * reservation, the refund, its events and (once approved) its ledger entry commit together.
 */
export async function requestRefund(
  orderId: string,
  request: CreateRefundRequest,
  by: Actor,
): Promise<StoredRefund> {
  if (request.anomalyId !== undefined) return requestAnomalyRefund(orderId, request, by);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const order = await getOrder(orderId, true);
    if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
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
    const refundable = order.payment.amount - (order.refundReserved ?? 0);
    if (request.amount > refundable) {
      throw new ConflictError('refund_exceeds_payment', `At most ${refundable} can still be refunded.`, {
        refundable,
      });
    }
    const refundFee = request.refundFee ?? true;
    if (request.allocations) {
      const total = request.allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
      const problems = request.allocations.flatMap((allocation, index) =>
        order.splits.some((split) => split.sellerId === allocation.sellerId)
          ? []
          : [{ field: `allocations.${index}.sellerId`, message: 'Not a seller of this order.' }],
      );
      if (total !== request.amount) {
        problems.push({
          field: 'allocations',
          message: `Allocations add up to ${total}, not ${request.amount}.`,
        });
      }
      if (problems.length) throw new ValidationError(problems);
    }
    const at = now().toISOString();
    const approvedAtOnce = request.amount < config().REFUND_APPROVAL_THRESHOLD;
    const requested: StoredRefund = {
      id: `rf_${ulid()}`,
      orderId: order.id,
      status: 'REQUESTED',
      amount: request.amount,
      currency: order.currency,
      reason: request.reason,
      refundFee,
      allocations: allocateRefund(request.amount, order.splits, refundFee, request.allocations),
      destination: request.destination,
      ...(request.note ? { note: request.note } : {}),
      order: { id: order.id, reference: order.reference, status: order.status },
      payment: {
        cip: order.voucher.cip,
        operationNumber: order.payment.operationNumber,
        amount: order.payment.amount,
        paidAt: order.payment.paidAt,
        source: order.payment.source,
        ...(order.payment.notificationId ? { notificationId: order.payment.notificationId } : {}),
      },
      requestedBy: by,
      history: [{ status: 'REQUESTED', at, by }],
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const { refund, events } = opened(requested, approvedAtOnce, at, by);
    try {
      await saveRefund(undefined, refund, events, [
        orderRefundUpdate(order, {
          refundReserved: (order.refundReserved ?? 0) + refund.amount,
          refundedAmount: order.refundedAmount ?? 0,
          refunds: [...(order.refunds ?? []), { id: refund.id, amount: refund.amount }],
          updatedAt: at,
        }),
        ...(approvedAtOnce ? ledgerWrites(refundApprovedEntry(booking(refund), at)) : []),
      ]);
    } catch (error) {
      if (error instanceof StaleRefundError && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof StaleRefundError) {
        throw new ConflictError(
          'order_changed',
          'The order changed while the refund was requested; try again.',
        );
      }
      throw error;
    }
    metrics.addMetric('RefundRequested', MetricUnit.Count, 1);
    logger.info('refund requested', { refundId: refund.id, orderId, status: refund.status });
    return refund;
  }
  throw new ConflictError('order_changed', 'The order changed while the refund was requested; try again.');
}

/**
 * The extra money of a duplicate payment or an overpayment: it changed no order and sits in
 * suspense (booked with its anomaly). Refundable up to the anomaly's amount, whatever the order's
 * status; the order itself is not touched.
 */
async function requestAnomalyRefund(
  orderId: string,
  request: CreateRefundRequest,
  by: Actor,
): Promise<StoredRefund> {
  const anomalyId = request.anomalyId as string;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const [order, anomaly] = await Promise.all([getOrder(orderId, true), getAnomaly(anomalyId)]);
    if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
    if (anomaly === undefined)
      throw new ValidationError([{ field: 'anomalyId', message: 'No such anomaly.' }]);
    if (anomaly.orderId !== order.id || anomaly.amount === undefined || !isCurrency(anomaly.currency)) {
      throw new ConflictError(
        'anomaly_not_refundable',
        'This anomaly holds no payment of this order to refund.',
      );
    }
    const refundable = anomaly.amount - (anomaly.refundReserved ?? 0);
    if (request.amount > refundable) {
      throw new ConflictError(
        'refund_exceeds_payment',
        `At most ${refundable} of this payment can still be refunded.`,
        {
          refundable,
        },
      );
    }
    const at = now().toISOString();
    const approvedAtOnce = request.amount < config().REFUND_APPROVAL_THRESHOLD;
    const requested: StoredRefund = {
      id: `rf_${ulid()}`,
      orderId: order.id,
      status: 'REQUESTED',
      amount: request.amount,
      currency: anomaly.currency,
      reason: request.reason,
      refundFee: false,
      allocations: [],
      destination: request.destination,
      ...(request.note ? { note: request.note } : {}),
      anomalyId,
      order: { id: order.id, reference: order.reference, status: order.status },
      payment: {
        cip: anomaly.cip ?? order.voucher.cip,
        operationNumber: anomaly.operationNumber ?? null,
        amount: anomaly.amount,
        paidAt: anomaly.detectedAt,
        source: anomaly.source ?? 'webhook',
        ...(anomaly.webhookId ? { notificationId: anomaly.webhookId } : {}),
      },
      requestedBy: by,
      history: [{ status: 'REQUESTED', at, by }],
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const { refund, events } = opened(requested, approvedAtOnce, at, by);
    try {
      await saveRefund(undefined, refund, events, [
        anomalyRefundUpdate(
          anomalyId,
          anomaly.refundReserved ?? 0,
          (anomaly.refundReserved ?? 0) + refund.amount,
        ),
        ...(approvedAtOnce ? ledgerWrites(refundApprovedEntry(booking(refund), at)) : []),
      ]);
    } catch (error) {
      if (error instanceof StaleRefundError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    metrics.addMetric('RefundRequested', MetricUnit.Count, 1);
    return refund;
  }
  throw new ConflictError('refund_changed', 'The anomaly changed while the refund was requested; try again.');
}

const isCurrency = (value: unknown): value is Currency => value === 'PEN' || value === 'USD';

type Move = 'approve' | 'reject' | 'mark-paid' | 'mark-failed';
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
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const refund = await getRefund(id);
    if (refund === undefined) throw new NotFoundError(`No refund ${id}.`);
    if (refund.status !== from) {
      throw new ConflictError('invalid_status', `The refund is ${refund.status}; ${move} needs ${from}.`, {
        refundStatus: refund.status,
      });
    }
    if (move === 'approve' && refund.requestedBy.keyId === by.keyId) {
      throw new ConflictError(
        'approver_must_differ',
        'Refunds at or above the approval threshold are approved by another API key than the one that requested them.',
      );
    }
    const order = await getOrder(refund.orderId, true);
    if (order === undefined) throw new NotFoundError(`No order ${refund.orderId}.`);
    const at = now().toISOString();
    const next: StoredRefund = {
      ...refund,
      status: to,
      updatedAt: at,
      version: refund.version + 1,
      history: [...refund.history, { status: to, at, by, ...details }],
    };
    const extra = [];
    if (to === 'APPROVED') extra.push(...ledgerWrites(refundApprovedEntry(booking(refund), at)));
    if (to === 'FAILED') extra.push(...ledgerWrites(refundFailedEntry(booking(refund), at)));
    if (to === 'PAID_OUT') extra.push(...ledgerWrites(refundPaidOutEntry(booking(refund), at)));
    if (refund.anomalyId !== undefined) {
      // A duplicate/extra payment's refund: the order is not touched; the anomaly frees its amount
      // again when the refund is rejected or bounced.
      if (to === 'REJECTED' || to === 'FAILED') {
        const anomaly = await getAnomaly(refund.anomalyId);
        const reservedNow = anomaly?.refundReserved ?? 0;
        extra.push(anomalyRefundUpdate(refund.anomalyId, reservedNow, reservedNow - refund.amount));
      }
      try {
        await saveRefund(
          refund,
          next,
          [{ type: EVENT[to] as EventType, refund: next, data: refundResponse(next) }],
          extra,
        );
      } catch (error) {
        if (error instanceof StaleRefundError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      return next;
    }
    const reserved = (order.refundReserved ?? 0) - (to === 'REJECTED' || to === 'FAILED' ? refund.amount : 0);
    const refunded = (order.refundedAmount ?? 0) + (to === 'PAID_OUT' ? refund.amount : 0);
    const fullyRefunded =
      to === 'PAID_OUT' && order.payment !== undefined && refunded >= order.payment.amount;
    if (fullyRefunded) {
      // The whole payment went back: the order is REFUNDED (and says so), in the same transaction.
      const refundedOrder = {
        ...transitioned(order, 'REFUNDED', 'api', new Date(at)),
        refundReserved: reserved,
        refundedAmount: refunded,
      };
      extra.push(
        {
          Put: {
            TableName: config().TABLE_NAME,
            Item: orderItem(refundedOrder),
            ConditionExpression: '#status = :status AND #version = :version',
            ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
            ExpressionAttributeValues: { ':status': order.status, ':version': order.version },
          },
        },
        {
          Put: {
            TableName: config().TABLE_NAME,
            Item: eventItem(refundedOrder),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      );
    } else if (to !== 'APPROVED') {
      extra.push(
        orderRefundUpdate(order, {
          refundReserved: reserved,
          refundedAmount: refunded,
          refunds: order.refunds,
          updatedAt: at,
        }),
      );
    }
    const type = EVENT[to] as EventType;
    try {
      await saveRefund(refund, next, [{ type, refund: next, data: refundResponse(next) }], extra);
    } catch (error) {
      if (error instanceof StaleRefundError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    metrics.addMetric(
      `Refund${to === 'PAID_OUT' ? 'PaidOut' : to.charAt(0) + to.slice(1).toLowerCase()}`,
      MetricUnit.Count,
      1,
    );
    logger.info('refund moved', { refundId: id, from, to });
    return next;
  }
  throw new ConflictError('refund_changed', 'The refund or its order changed meanwhile; try again.');
}
