import type { Order } from '#model/order';
import { cancelOrder } from '#orders/cancel-order';
import { now } from '#platform/clock';
import { ConflictError, NotFoundError } from '#platform/errors';
import { withFreshReads } from '#platform/optimistic';
import type { PspProvider } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { DuplicateItemError, getOrder, StaleOrderError, saveTransition } from '#store/orders-repository';
import { reviewQueueClose, reviewQueuePut } from '#store/risk-repository';
import { orderEventData } from './present';

type Decision = 'approve' | 'reject';
const DECIDED = { approve: 'approved', reject: 'rejected' } as const;

/**
 * A person decides on an order the risk rules flagged: approve (it may be fulfilled once paid) or
 * reject (it is cancelled, its CIP deleted; a flagged order already paid is refunded instead).
 * Who, when and why are kept on the order's `risk`; `order.risk_reviewed` announces it.
 *
 * The decision commits first, on its own: of two reviews at once (approve and reject), one
 * decision stands and the other is refused before anything is asked of the PSP. A rejection then
 * cancels the order like any cancel (its CIP and wallet orders closed first). Before, the reject
 * deleted the CIP and lost its write to an approval: an approved order, pending, whose CIP the PSP
 * had deleted (outside test 9, decision 134). The same decision asked again finishes what an
 * attempt that died between its two steps left undone (decision 136).
 */
export async function reviewRisk(
  orderId: string,
  decision: Decision,
  note: string,
  reviewedBy: string,
  psp: PspProvider,
  wallet?: WalletProvider,
): Promise<Order> {
  const order = await getOrder(orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
  if (order.risk === undefined) throw new ConflictError('not_flagged', 'No risk rule flagged this order.');
  const flagged: NonNullable<Order['risk']> = { decision: 'flagged', rules: order.risk.rules };
  // Only a rejection has a second step to finish; any other decision asked again is refused.
  const repeated = decision === 'reject' && order.risk.decision === 'rejected';
  if (order.risk.decision !== 'flagged' && !repeated) {
    throw new ConflictError('already_reviewed', `This order was already reviewed: ${order.risk.decision}.`);
  }
  if (decision === 'approve') return recordDecision(order, decision, note, reviewedBy);
  if (repeated && order.status === 'CANCELLED') return order;
  if (order.status !== 'PENDING_PAYMENT') {
    // A rejection recorded by an attempt that died before its cancel, and paid since: undone.
    if (repeated) await undoRejection(orderId, flagged);
    throw new ConflictError(
      'invalid_status',
      `The order is ${order.status}: a paid order is refunded (POST /v1/orders/${orderId}/refunds), not rejected.`,
      { orderStatus: order.status },
    );
  }
  if (!repeated) await recordDecision(order, decision, note, reviewedBy);
  try {
    return await cancelOrder(orderId, psp, wallet);
  } catch (error) {
    // Paid just before the rejection could cancel it (the PSP refused to delete a paid CIP): a
    // paid order is refunded, not rejected (docs/risk.md), so the rejection is undone — flagged
    // again, back in the review queue — and the reviewer gets the cancel's 409 (outside test 10).
    if (error instanceof ConflictError) await undoRejection(orderId, flagged);
    throw error;
  }
}

/** The decision, conditional on the order read: a twin decision that landed first is a 409. */
async function recordDecision(order: Order, decision: Decision, note: string, reviewedBy: string) {
  const at = now().toISOString();
  const next: Order = {
    ...order,
    risk: { ...(order.risk ?? { rules: [] }), decision: DECIDED[decision], reviewedAt: at, reviewedBy, note },
    updatedAt: at,
    version: order.version + 1,
  };
  try {
    await saveTransition(
      order,
      next,
      orderEventData(next),
      [reviewQueueClose(order.id, DECIDED[decision], at)],
      'order.risk_reviewed',
    );
    return next;
  } catch (error) {
    if (!(error instanceof StaleOrderError || error instanceof DuplicateItemError)) throw error;
    const current = await getOrder(order.id, true);
    if (current?.risk && current.risk.decision !== 'flagged') {
      throw new ConflictError(
        'already_reviewed',
        `This order was already reviewed: ${current.risk.decision}.`,
      );
    }
    throw new ConflictError('invalid_status', `The order changed meanwhile; it is now ${current?.status}.`, {
      orderStatus: current?.status,
    });
  }
}

/** The order flagged again as the rules left it, and its review open again. */
async function undoRejection(orderId: string, flagged: NonNullable<Order['risk']>): Promise<void> {
  await withFreshReads(
    async () => {
      const current = await getOrder(orderId, true);
      if (current?.risk?.decision !== 'rejected' || current.status === 'CANCELLED') return;
      const at = now().toISOString();
      const next: Order = { ...current, risk: flagged, updatedAt: at, version: current.version + 1 };
      await saveTransition(
        current,
        next,
        orderEventData(next),
        [reviewQueuePut(next)],
        'order.risk_reviewed',
      );
    },
    // Still changing after every re-read: left as it is; the reviewer's retry undoes it (above).
    () => undefined,
  );
}
