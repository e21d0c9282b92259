import type { EventType } from '#model/event-types';
import { lateAcceptedEntry } from '#model/journal';
import type { Order, OrderStatus } from '#model/order';
import { acceptedShares } from '#model/refund-allocation';
import { transitioned } from '#model/transition';
import { now } from '#platform/clock';
import { config } from '#platform/config';
import { ConflictError, NotFoundError } from '#platform/errors';
import { withFreshReads } from '#platform/optimistic';
import { openPaymentContest } from '#store/anomalies-repository';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import { ledgerWrites } from '#store/ledger-repository';
import { getOrder, StaleOrderError, saveTransition } from '#store/orders-repository';
import { getRefunds } from '#store/refunds-repository';
import { orderEventData } from './present';

export type OrderAction = 'fulfil' | 'accept-late-payment';

/**
 * The order, read strongly, while it still waits for payment; 404 when there is none, else 409
 * `invalid_status` with `rule` ("Only a PENDING_PAYMENT order can …") and the status it is in.
 */
export async function pendingOrder(orderId: string, rule: string): Promise<Order> {
  const order = await getOrder(orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
  if (order.status !== 'PENDING_PAYMENT') {
    throw new ConflictError('invalid_status', `${rule}; this one is ${order.status}.`, {
      orderStatus: order.status,
    });
  }
  return order;
}

/** The one move each marketplace action makes. */
const MOVES: Record<OrderAction, [from: OrderStatus, to: OrderStatus]> = {
  fulfil: ['PAID', 'FULFILLED'],
  'accept-late-payment': ['PAID_LATE', 'PAID'],
};

const LATE_REFUNDED = 'The payment was refunded to the buyer.';

/** Why an order cannot take a marketplace action, in words a support agent can repeat. */
const REFUSALS: Record<OrderAction, Partial<Record<OrderStatus, string>>> = {
  fulfil: {
    PENDING_PAYMENT: 'The buyer has not paid yet: do not ship.',
    EXPIRED: 'The voucher expired unpaid: do not ship.',
    CANCELLED: 'The order was cancelled: do not ship.',
    PAID_LATE:
      'The payment arrived after the order was given up; accept it first (accept-late-payment) or refund it (POST …/refunds).',
    FULFILLED: 'The order was already fulfilled.',
    REFUNDED: `${LATE_REFUNDED} Do not ship.`,
  },
  'accept-late-payment': {
    PENDING_PAYMENT: 'There is no late payment: the order is still waiting for payment.',
    PAID: 'The order is already PAID.',
    EXPIRED: 'No payment has arrived for this expired order.',
    CANCELLED: 'No payment has arrived for this cancelled order.',
    FULFILLED: 'The order was already fulfilled.',
    REFUNDED: LATE_REFUNDED,
  },
};

/**
 * The marketplace's own moves: fulfil (PAID → FULFILLED, the gate before shipping), and accept a
 * late payment (PAID_LATE → PAID). Refusing one is a refund (functions/refunds), like any other.
 * Conditional like every transition, never a silent overwrite: a concurrent change is read again
 * and decided again (a 409 naming what is there now, if the move is no longer possible).
 */
export async function applyOrderAction(
  orderId: string,
  action: OrderAction,
  /** An Idempotency-Key's record, committed in the move's own transaction (decision 133). */
  completion: CompletionWrites<Order> = noCompletion,
): Promise<Order> {
  // Read again after losing a race: the refusal then names what the winner did (a refund begun
  // meanwhile is `refund_in_progress`, not a bare "the order changed"), and a change that left the
  // move possible (a settlement landing) does not refuse it.
  return withFreshReads(
    () => attemptOrderAction(orderId, action, completion),
    () => {
      throw new ConflictError('invalid_status', 'The order kept changing meanwhile; try again.');
    },
  );
}

async function attemptOrderAction(
  orderId: string,
  action: OrderAction,
  completion: CompletionWrites<Order>,
): Promise<Order> {
  const [from, to] = MOVES[action];
  const order = await getOrder(orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
  if (order.status !== from) {
    throw new ConflictError(
      'invalid_status',
      REFUSALS[action][order.status] ?? `The order is ${order.status}.`,
      {
        orderStatus: order.status,
      },
    );
  }
  // Its whole payment is on its way back to the buyer (refunds requested or approved for all of
  // it): shipping now would give the goods and the money both (outside test 9, decision 134).
  if (action === 'fulfil' && (order.refundReserved ?? 0) >= order.amount) {
    throw new ConflictError(
      'refund_in_progress',
      'Refunds of the whole payment are requested or approved: reject them before shipping, or do not ship.',
      { refundReserved: order.refundReserved },
    );
  }
  // The provider's notification contradicts the payment booked (decision 137): a person decides
  // first, before the goods ship or a late payment's cash goes to the sellers.
  const contested = order.payment?.contested;
  const open = contested ? await openPaymentContest(contested.anomalyId) : undefined;
  if (contested && open) {
    throw new ConflictError(
      'payment_contested',
      `The provider says operation ${contested.operationNumber} paid ${open.amount ?? contested.amount} ${open.currency ?? contested.currency}, not the ${order.payment?.amount} ${order.payment?.currency} booked: resolve anomaly ${open.id} first (refund what the buyer paid, or resolve it once the provider confirms the booked amount).`,
      { anomalyId: open.id },
    );
  }
  // Rejected, yet paid meanwhile (the payment beat the rejection's cancel): refunded, never shipped.
  if (action === 'fulfil' && order.risk?.decision === 'rejected') {
    throw new ConflictError(
      'risk_rejected',
      `A person rejected this order on review (${order.risk.note ?? 'no note'}): refund the payment (POST /v1/orders/${order.id}/refunds), do not ship.`,
    );
  }
  if (action === 'fulfil' && order.risk?.decision === 'flagged' && config().RISK_REVIEW_REQUIRED) {
    throw new ConflictError(
      'risk_review_required',
      `Risk rules flagged this order (${order.risk.rules.join(', ')}): review it first (POST /v1/orders/${order.id}/risk-review).`,
      { rules: order.risk.rules },
    );
  }
  const at = now();
  const next = transitioned(order, to, 'api', at);
  // An accepted late payment's cash leaves suspense for the sellers and the platform.
  const booking =
    action === 'accept-late-payment'
      ? lateAcceptedEntry(next, next.updatedAt, await whatIsLeftOfLatePayment(order))
      : undefined;
  // Conditional on the version read: a StaleOrderError reads again (above).
  await saveTransition(order, next, orderEventData(next), [
    ...(booking ? ledgerWrites(booking) : []),
    ...completion(next),
  ]);
  return next;
}

/**
 * What an accepted late payment still holds for the sellers and the platform (decision 74): the
 * refunds paid back from suspense are gone, so each split counts less what they took of it. Refused
 * while one of them is unfinished (REQUESTED or APPROVED): its money would leave suspense after the
 * rest did, or, bounced, come back to a suspense the order no longer draws from. Any refund that
 * changes meanwhile writes the order, so the transition (conditional on its version) fails and says so.
 */
async function whatIsLeftOfLatePayment(order: Order) {
  const standing = (await getRefunds((order.refunds ?? []).map((refund) => refund.id))).filter(
    (refund) => refund.status !== 'REJECTED' && refund.status !== 'FAILED',
  );
  const open = standing.filter((refund) => refund.status !== 'PAID_OUT');
  if (open.length > 0) {
    throw new ConflictError(
      'refund_in_progress',
      `Refund ${open.map((refund) => refund.id).join(', ')} of this payment is not finished: pay it out (mark-paid) or reject it before accepting the rest.`,
      { refunds: open.map((refund) => ({ id: refund.id, status: refund.status })) },
    );
  }
  return acceptedShares(order.splits, standing);
}

/** Saves an API-initiated transition; losing a race to another writer is a 409 naming the status found. */
export async function commitOrConflict(
  order: Order,
  next: Order,
  eventType?: EventType,
  extraItems: Parameters<typeof saveTransition>[3] = [],
): Promise<Order> {
  try {
    await saveTransition(order, next, orderEventData(next), extraItems, eventType);
    return next;
  } catch (error) {
    if (error instanceof StaleOrderError) {
      const current = await getOrder(order.id, true);
      throw new ConflictError(
        'invalid_status',
        `The order changed meanwhile; it is now ${current?.status}.`,
        {
          orderStatus: current?.status,
        },
      );
    }
    throw error;
  }
}
