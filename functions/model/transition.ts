import type { Order, OrderStatus, TransitionSource } from './order';
import { assertTransition } from './state-machine';

/** Builds the next version of an order for a status change; the store writes it conditionally. */
export function transitioned(
  order: Order,
  to: OrderStatus,
  source: TransitionSource,
  at: Date,
  changes: Partial<Pick<Order, 'payment'>> = {},
): Order {
  assertTransition(order.status, to);
  const atIso = at.toISOString();
  return {
    ...order,
    ...changes,
    status: to,
    updatedAt: atIso,
    history: [...order.history, { from: order.status, to, at: atIso, source }],
    version: order.version + 1,
  };
}
