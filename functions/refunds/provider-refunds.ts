import { now } from '#platform/clock';
import { ConflictError, PspRejectedError } from '#platform/errors';
import { logger } from '#platform/powertools';
import type { ProviderRefundStatus, PspProvider } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { getOrder } from '#store/orders-repository';
import {
  beginProviderCall,
  endProviderCall,
  findRefundIdByProviderRefund,
  getRefund,
  recordProviderRefund,
  type StoredRefund,
} from '#store/refunds-repository';
import { moveRefund, providerActor } from './refunds';

/**
 * After approval, where the stage's provider refunds cash payments itself (dLocal): ask it to, and
 * remember its refund id. The refund stays APPROVED until the provider's notification moves it.
 * Refunds of extra money held as an anomaly (no order voucher) stay manual.
 */
export async function startProviderRefund(refund: StoredRefund, psp: PspProvider): Promise<StoredRefund> {
  const { destination } = refund;
  if (
    psp.refund === undefined ||
    refund.anomalyId !== undefined ||
    refund.status !== 'APPROVED' ||
    destination.type !== 'bank_account'
  )
    return refund;
  const order = await getOrder(refund.orderId, true);
  if (order === undefined || order.voucher.provider !== psp.name) return refund;
  const asking = await noteProviderCall(refund);
  if (asking.status !== 'APPROVED') return asking;
  const askRefund = psp.refund.bind(psp);
  const started = await refusalsEndTheCall(refund.id, () =>
    askRefund({
      refundId: refund.id,
      voucher: order.voucher,
      amountMinor: refund.amount,
      currency: refund.currency,
      bankAccount: destination,
    }),
  );
  await recordProviderRefund(refund.id, psp.name, started.providerRefundId);
  logger.info('refund sent to the provider', {
    refundId: refund.id,
    providerRefundId: started.providerRefundId,
  });
  return { ...refund, providerRefund: { provider: psp.name, id: started.providerRefundId } };
}

/**
 * After approval, a refund back to a wallet payment (a double payment's, decision 114): its
 * provider's refund API is asked, with our refund id as idempotency key, and its refund id is
 * recorded. Culqi pays at once (PAID_OUT now, marked by the provider's actor, with its refund id as
 * the reference; that step resolves the anomaly); dLocal answers PENDING and its notification moves
 * the refund later, as for its bank refunds; a refusal in the answer marks it FAILED. A call that
 * fails or times out throws, leaving the refund APPROVED with no provider refund: approving it
 * again retries the call (and a person may mark it failed to free the money for another refund).
 */
export async function startWalletRefund(refund: StoredRefund, wallet: WalletProvider): Promise<StoredRefund> {
  const { destination } = refund;
  if (
    destination.type !== 'wallet_payment' ||
    destination.provider !== wallet.name ||
    refund.status !== 'APPROVED'
  )
    return refund;
  if (refund.providerRefund !== undefined) {
    // Sent, and the step after the call did not happen (the function died between them): a refund
    // Culqi created is a refund Culqi paid, so it is marked now; dLocal's notification still comes.
    if (!PAID_ON_THE_CALL.has(wallet.name)) return refund;
    return moveRefund(refund.id, 'mark-paid', providerActor(wallet.name), {
      transferReference: refund.providerRefund.id,
      paidAt: now().toISOString(),
    });
  }
  const asking = await noteProviderCall(refund);
  if (asking.status !== 'APPROVED') return asking;
  const started = await refusalsEndTheCall(refund.id, () =>
    wallet.refundWalletPayment({
      refundId: refund.id,
      providerRef: destination.providerRef,
      operationNumber: destination.chargeId,
      amountMinor: refund.amount,
      currency: refund.currency,
    }),
  );
  await recordProviderRefund(refund.id, wallet.name, started.providerRefundId);
  logger.info('refund sent to the wallet provider', {
    refundId: refund.id,
    provider: wallet.name,
    providerRefundId: started.providerRefundId,
    status: started.status,
  });
  const sent = { ...refund, providerRefund: { provider: wallet.name, id: started.providerRefundId } };
  if (started.status === 'pending') return sent;
  return moveRefund(
    refund.id,
    started.status === 'succeeded' ? 'mark-paid' : 'mark-failed',
    providerActor(wallet.name),
    started.status === 'succeeded'
      ? { transferReference: started.providerRefundId, paidAt: now().toISOString() }
      : { reason: `${wallet.name} ${started.status} the refund ${started.providerRefundId}.` },
  );
}

/**
 * Notes that the provider is about to be asked (decision 134): from then on a person cannot mark
 * the refund failed until the provider's answer is known — a mark-failed racing the approval
 * freed money the provider was paying out, and it was refunded a second time by transfer. A
 * refund that moved meanwhile (marked failed first) is returned as it is now, and the provider
 * is not asked.
 */
async function noteProviderCall(refund: StoredRefund): Promise<StoredRefund> {
  const noted = await beginProviderCall(refund, now().toISOString());
  if (noted !== undefined) return noted;
  const current = await getRefund(refund.id);
  if (current?.status === 'APPROVED') {
    throw new ConflictError(
      'refund_changed',
      'The refund changed while it was being sent; approve it again.',
    );
  }
  logger.info('refund moved before it was sent to the provider; not sent', {
    refundId: refund.id,
    status: current?.status,
  });
  return current ?? refund;
}

/**
 * The provider's refund call. A refusal (its answer: nothing was paid) ends the noted call, so a
 * person may mark the refund failed; a time-out or an outage says nothing about what it did, so
 * the note stays until approving again gets an answer.
 */
async function refusalsEndTheCall<T>(refundId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PspRejectedError) await endProviderCall(refundId);
    throw error;
  }
}

/** Wallet providers whose refund call answers only once the money went back (Culqi's are immediate). */
const PAID_ON_THE_CALL = new Set<string>(['culqi']);

/** A provider's refund notification names a refund id we have not recorded (yet): retried by the queue. */
export class UnknownProviderRefundError extends Error {
  constructor(readonly providerRefundId: string) {
    super(`No refund of ours is recorded for the provider's refund ${providerRefundId} (yet).`);
    this.name = 'UnknownProviderRefundError';
  }
}

/**
 * A provider-run refund (dLocal) reached a final state: the refund follows it — SUCCESS → PAID_OUT,
 * REJECTED/CANCELLED → FAILED — instead of waiting for a person's mark-paid. PENDING changes
 * nothing. A notification for a refund we have not recorded throws (the queue delivers it again).
 */
export async function applyProviderRefund(
  providerRefundId: string,
  status: ProviderRefundStatus,
  notificationId: string,
): Promise<{ result: 'refund'; refundId: string | undefined; status: string }> {
  const refundId = await findRefundIdByProviderRefund('dlocal', providerRefundId);
  // PENDING changes nothing, known or not.
  if (status === 'pending') return { result: 'refund', refundId, status };
  if (refundId === undefined) {
    // Not acknowledged: dLocal may notify before our approval has recorded its refund id (it
    // answers the refund call, then pays a moment later; a slow or interrupted approval records the
    // pointer after). Dropping the notification left the refund APPROVED for good; failing it makes
    // the queue deliver it again, and a refund nobody ever recorded ends in the DLQ, alarmed.
    logger.warn('refund notification for a refund not recorded (yet); redelivered later', {
      providerRefundId,
      notificationId,
    });
    throw new UnknownProviderRefundError(providerRefundId);
  }
  const moved = await moveRefund(
    refundId,
    status === 'succeeded' ? 'mark-paid' : 'mark-failed',
    providerActor('dlocal'),
    status === 'succeeded'
      ? { transferReference: providerRefundId, paidAt: now().toISOString() }
      : { reason: `dLocal ${status} the refund ${providerRefundId}.` },
  ).catch((error: unknown) => {
    // Already moved (a repeated notification): the refund is where the first one put it.
    if (error instanceof ConflictError && error.code === 'invalid_status') return undefined;
    throw error;
  });
  return { result: 'refund', refundId, status: moved?.status ?? status };
}
