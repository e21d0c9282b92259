import type { OrderStatus } from './order';

/**
 * The order life cycle (DESIGN.md). Every write of a status goes through `assertTransition`, and the
 * store makes it conditional on the status it read, so racing writers cannot both win.
 */
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'EXPIRED', 'CANCELLED'],
  // Refunds that reach the whole payment make an order REFUNDED (functions/refunds).
  PAID: ['FULFILLED', 'REFUNDED'],
  FULFILLED: ['REFUNDED'],
  // Cash was taken after we gave up on the order: it must stay visible until refunded or accepted.
  EXPIRED: ['PAID_LATE'],
  CANCELLED: ['PAID_LATE'],
  PAID_LATE: ['PAID', 'REFUNDED'],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`An order in status ${from} cannot become ${to}.`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** Where a paid notification takes an order, or undefined if it changes nothing. */
export function statusAfterPayment(current: OrderStatus): OrderStatus | undefined {
  switch (current) {
    case 'PENDING_PAYMENT':
      return 'PAID';
    case 'EXPIRED':
    case 'CANCELLED':
      return 'PAID_LATE';
    default:
      return undefined;
  }
}
