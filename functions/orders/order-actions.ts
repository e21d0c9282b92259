import { now } from '../platform/clock';
import { ConflictError, NotFoundError } from '../platform/errors';
import { getOrder, StaleOrderError, saveTransition } from '../store/orders-repository';
import type { Order, OrderStatus } from './order';
import { transitioned } from './transition';

/** Why an order cannot take a marketplace action, in words a support agent can repeat. */
const REFUSALS: Record<'fulfil' | 'accept-late-payment', Partial<Record<OrderStatus, string>>> = {
  fulfil: {
    PENDING_PAYMENT: 'The buyer has not paid yet: do not ship.',
    EXPIRED: 'The voucher expired unpaid: do not ship.',
    CANCELLED: 'The order was cancelled: do not ship.',
    PAID_LATE:
      'The payment arrived after the order was given up; accept it first (accept-late-payment) or refund it.',
    FULFILLED: 'The order was already fulfilled.',
  },
  'accept-late-payment': {
    PENDING_PAYMENT: 'There is no late payment: the order is still waiting for payment.',
    PAID: 'The order is already PAID.',
    EXPIRED: 'No payment has arrived for this expired order.',
    CANCELLED: 'No payment has arrived for this cancelled order.',
    FULFILLED: 'The order was already fulfilled.',
  },
};

/**
 * The marketplace's own moves: fulfil (PAID → FULFILLED, the gate before shipping) and accept a
 * late payment (PAID_LATE → PAID). Conditional like every transition: a concurrent change makes
 * this a 409 with the status found, never a silent overwrite.
 */
export async function applyOrderAction(
  orderId: string,
  action: 'fulfil' | 'accept-late-payment',
): Promise<Order> {
  const [from, to]: [OrderStatus, OrderStatus] =
    action === 'fulfil' ? ['PAID', 'FULFILLED'] : ['PAID_LATE', 'PAID'];
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
  return commitOrConflict(order, transitioned(order, to, 'api', now()));
}

/** Saves an API-initiated transition; losing a race to another writer is a 409 naming the status found. */
export async function commitOrConflict(order: Order, next: Order): Promise<Order> {
  try {
    await saveTransition(order, next);
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
