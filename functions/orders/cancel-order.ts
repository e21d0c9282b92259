import type { Order } from '#model/order';
import { offeredWalletOptions } from '#model/payment-options';
import { transitioned } from '#model/transition';
import { now } from '#platform/clock';
import { ConflictError } from '#platform/errors';
import { withFreshReads } from '#platform/optimistic';
import { logger } from '#platform/powertools';
import type { PspProvider, VoucherRef } from '#psp/provider';
import type { WalletOrderRef, WalletProvider } from '#psp/wallet-provider';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import { getOrder, saveTransition } from '#store/orders-repository';
import { pendingOrder } from './order-actions';
import { orderEventData } from './present';

/**
 * Cancels a pending order. The CIP is deleted at the PSP first: PagoEfectivo only deletes an
 * unpaid CIP, so once it says "deleted" no cash can arrive for this order any more. Each wallet
 * option is then cancelled at its provider the same way (decision 99): a wallet order its provider
 * will not cancel has most likely just been paid, and the order is not cancelled under it.
 *
 * A refusal is read back before it is believed: a cancel that died between the PSP's answer and
 * its own commit left the CIP (or wallet order) deleted, and the PSP refuses to delete it again.
 * Closed by us or expired there, no payment can come through it, so the retry cancels the order;
 * only a paid or still open one keeps the order pending (409).
 *
 * `completion`: an Idempotency-Key's record, committed with the cancellation itself, so a retry
 * after a crash between the two answers as the first did instead of 409 (decision 133).
 */
export async function cancelOrder(
  orderId: string,
  psp: PspProvider,
  wallet?: WalletProvider,
  completion: CompletionWrites<Order> = noCompletion,
): Promise<Order> {
  const order = await pendingOrder(orderId, 'Only a PENDING_PAYMENT order can be cancelled');
  const outcome = await psp.deleteVoucher(order.voucher);
  if (outcome === 'not_deletable' && !(await voucherClosed(psp, order.voucher))) {
    throw new ConflictError(
      'voucher_not_deletable',
      'PagoEfectivo refused to delete the voucher: it has most likely just been paid. The payment will be applied shortly.',
    );
  }
  if (outcome === 'not_found')
    logger.warn('CIP already gone at the PSP', { orderId, cip: order.voucher.cip });
  const walletOptions = offeredWalletOptions(order).filter((option) => option.providerRef !== undefined);
  const cancelled = await Promise.all(
    walletOptions.map((option) => {
      if (wallet === undefined || wallet.name !== option.provider) {
        throw new Error(`No ${option.provider} client to cancel wallet option ${option.id} with.`);
      }
      return wallet.cancelWalletOrder({ providerRef: option.providerRef ?? '', optionId: option.id });
    }),
  );
  const refused = walletOptions.filter((_, index) => cancelled[index] === 'not_cancellable');
  const stillOpen = await Promise.all(
    refused.map(
      async (option) =>
        !(await walletOrderClosed(wallet, { providerRef: option.providerRef ?? '', optionId: option.id })),
    ),
  );
  if (stillOpen.includes(true)) {
    throw new ConflictError(
      'wallet_order_not_cancellable',
      'The wallet provider refused to cancel the wallet payment: it has most likely just been paid. The payment will be applied shortly.',
    );
  }
  return commitCancellation(order, walletOptions, completion);
}

/**
 * The CANCELLED transition, once nothing can be paid through the order's options any more. Lost
 * to another write that left the order pending (a risk approval, an extension, a note), it is read
 * again and made again: its CIP is already deleted, and an order left PENDING_PAYMENT with a
 * deleted CIP tells the buyer's page "payable" for a code the PSP refuses (outside test 9,
 * decision 134). A payment meanwhile, or a wallet option added after these were cancelled, is a
 * 409 naming what is there now.
 */
async function commitCancellation(
  read: Order,
  cancelledOptions: readonly { id: string }[],
  completion: CompletionWrites<Order>,
): Promise<Order> {
  const closed = new Set(cancelledOptions.map((option) => option.id));
  return withFreshReads(
    async (round) => {
      const order = round === 1 ? read : await getOrder(read.id, true);
      const stillOpen =
        order?.status === 'PENDING_PAYMENT' &&
        offeredWalletOptions(order).every(
          (option) => option.providerRef === undefined || closed.has(option.id),
        );
      if (order === undefined || !stillOpen) {
        throw new ConflictError(
          'invalid_status',
          `The order changed meanwhile; it is now ${order?.status}.`,
          {
            orderStatus: order?.status,
          },
        );
      }
      const next = transitioned(order, 'CANCELLED', 'api', now());
      await saveTransition(order, next, orderEventData(next), completion(next));
      return next;
    },
    () => {
      throw new ConflictError('invalid_status', 'The order kept changing meanwhile; try again.');
    },
  );
}

/** Deleted (by an earlier attempt of ours) or expired at the PSP: nothing can be paid through it. */
async function voucherClosed(psp: PspProvider, voucher: VoucherRef): Promise<boolean> {
  const [status] = await psp.searchVouchers([voucher]);
  const closed = status?.state === 'deleted' || status?.state === 'expired';
  if (closed) logger.warn('CIP already closed at the PSP', { cip: voucher.cip, state: status?.state });
  return closed;
}

async function walletOrderClosed(wallet: WalletProvider | undefined, ref: WalletOrderRef): Promise<boolean> {
  const status = await wallet?.walletStatus(ref);
  const closed = status?.state === 'cancelled' || status?.state === 'expired';
  if (closed)
    logger.warn('wallet order already closed at its provider', {
      optionId: ref.optionId,
      state: status?.state,
    });
  return closed;
}
