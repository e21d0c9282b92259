import { type Order, toSecondIso } from '#model/order';
import { now } from '#platform/clock';
import { RESERVE_MS, timeLeftMs } from '#platform/deadline';
import { ConflictError, ValidationError } from '#platform/errors';
import type { PspProvider } from '#psp/provider';
import { acquireJobLease, releaseJobLease } from '#store/job-leases';
import { commitOrConflict, pendingOrder } from './order-actions';

/** How long an extension may hold its order's lease outside a Lambda invocation (tests, scripts). */
const LEASE_OUTSIDE_INVOCATION_MS = 30_000;

/**
 * Gives the buyer more time: the CIP's deadline moves at the PSP first, then the order's, in one
 * conditional write that re-keys it in the pending index and announces `order.expiry_extended`.
 * Only before the current deadline: from then on the expirer owns the order, and racing it could
 * revive a voucher for an order it is expiring. Not a status change, so `history` is unchanged.
 *
 * One extension of an order at a time, under a lease item taken before the PSP is called: two
 * extensions racing each moved the CIP, and the one whose order write lost could leave the PSP's
 * deadline earlier than the order's — the buyer told "payable" holding a CIP the PSP had expired.
 * With the lease, the PSP's deadline is the order's, or later where an extension died between its
 * two writes (the expirer deletes the CIP at the order's deadline). The other caller gets 409
 * `extension_in_progress`, with nothing changed anywhere.
 */
export async function extendExpiry(
  orderId: string,
  expiresInMinutes: number,
  psp: PspProvider,
): Promise<Order> {
  const leaseName = `extend-expiry#${orderId}`;
  // Held for as long as this invocation may still run, so a holder that crashed blocks no one for long.
  const left = timeLeftMs();
  const lease = await acquireJobLease(
    leaseName,
    Number.isFinite(left) ? left + RESERVE_MS.http : LEASE_OUTSIDE_INVOCATION_MS,
  );
  if (lease === undefined) {
    throw new ConflictError(
      'extension_in_progress',
      "Another extension of this order's deadline is being applied; read the order, then retry if it still needs more time.",
    );
  }
  try {
    return await extendHoldingLease(orderId, expiresInMinutes, psp);
  } finally {
    await releaseJobLease(leaseName, lease);
  }
}

async function extendHoldingLease(
  orderId: string,
  expiresInMinutes: number,
  psp: PspProvider,
): Promise<Order> {
  const order = await pendingOrder(orderId, "Only a PENDING_PAYMENT order's deadline can move");
  const at = now();
  if (at.getTime() >= Date.parse(order.expiresAt)) {
    throw new ConflictError(
      'voucher_expired',
      `The voucher expired at ${order.expiresAt}; the order will be expired. Create a new order instead.`,
    );
  }
  const wanted = new Date(at.getTime() + expiresInMinutes * 60_000);
  if (wanted.getTime() <= Date.parse(order.expiresAt)) {
    throw new ValidationError([
      {
        field: 'expiresInMinutes',
        message: `The new deadline (${toSecondIso(wanted)}) must be after the current one (${order.expiresAt}).`,
      },
    ]);
  }
  const changed = await psp.changeVoucherExpiry(order.voucher, wanted);
  if (changed.outcome !== 'changed') {
    throw new ConflictError(
      'voucher_not_changeable',
      changed.outcome === 'not_supported'
        ? `${psp.name === 'dlocal' ? 'dLocal' : 'The provider'} cannot move a voucher's deadline; cancel the order and create a new one.`
        : changed.outcome === 'not_found'
          ? 'PagoEfectivo does not know this voucher any more.'
          : 'PagoEfectivo refused to move the deadline: the voucher has most likely just been paid. The payment will be applied shortly.',
    );
  }
  const expiresAt = toSecondIso(changed.expiresAt);
  const next: Order = {
    ...order,
    expiresAt,
    voucher: { ...order.voucher, expiresAt },
    updatedAt: at.toISOString(),
    version: order.version + 1,
  };
  return commitOrConflict(order, next, 'order.expiry_extended');
}
