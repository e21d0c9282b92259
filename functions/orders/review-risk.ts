import type { Order } from '#model/order';
import { cancelOrder } from '#orders/cancel-order';
import { commitOrConflict } from '#orders/order-actions';
import { now } from '#platform/clock';
import { ConflictError, NotFoundError } from '#platform/errors';
import type { PspProvider } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { getOrder } from '#store/orders-repository';
import { reviewQueueClose } from '#store/risk-repository';

/**
 * A person decides on an order the risk rules flagged: approve (it may be fulfilled once paid) or
 * reject (it is cancelled, its CIP deleted; a flagged order already paid is refunded instead).
 * Who, when and why are kept on the order's `risk`; `order.risk_reviewed` announces it.
 */
export async function reviewRisk(
  orderId: string,
  decision: 'approve' | 'reject',
  note: string,
  reviewedBy: string,
  psp: PspProvider,
  wallet?: WalletProvider,
): Promise<Order> {
  const order = await getOrder(orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
  if (order.risk === undefined) throw new ConflictError('not_flagged', 'No risk rule flagged this order.');
  if (order.risk.decision !== 'flagged') {
    throw new ConflictError('already_reviewed', `This order was already reviewed: ${order.risk.decision}.`);
  }
  if (decision === 'reject' && order.status !== 'PENDING_PAYMENT') {
    throw new ConflictError(
      'invalid_status',
      `The order is ${order.status}: a paid order is refunded (POST /v1/orders/${orderId}/refunds), not rejected.`,
      { orderStatus: order.status },
    );
  }
  const current = decision === 'reject' ? await cancelOrder(orderId, psp, wallet) : order;
  const at = now().toISOString();
  const next: Order = {
    ...current,
    risk: {
      ...order.risk,
      decision: decision === 'approve' ? 'approved' : 'rejected',
      reviewedAt: at,
      reviewedBy,
      note,
    },
    updatedAt: at,
    version: current.version + 1,
  };
  return commitOrConflict(current, next, 'order.risk_reviewed', [
    reviewQueueClose(orderId, next.risk?.decision ?? '', at),
  ]);
}
