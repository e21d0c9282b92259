import type { Order } from '#model/order';
import { offeredWalletOptions } from '#model/payment-options';
import { transitioned } from '#model/transition';
import { now } from '#platform/clock';
import { ConflictError } from '#platform/errors';
import { logger } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { commitOrConflict, pendingOrder } from './order-actions';

/**
 * Cancels a pending order. The CIP is deleted at the PSP first: PagoEfectivo only deletes an
 * unpaid CIP, so once it says "deleted" no cash can arrive for this order any more. Each wallet
 * option is then cancelled at its provider the same way (decision 99): a wallet order its provider
 * will not cancel has most likely just been paid, and the order is not cancelled under it.
 */
export async function cancelOrder(
  orderId: string,
  psp: PspProvider,
  wallet?: WalletProvider,
): Promise<Order> {
  const order = await pendingOrder(orderId, 'Only a PENDING_PAYMENT order can be cancelled');
  const outcome = await psp.deleteVoucher(order.voucher);
  if (outcome === 'not_deletable') {
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
  if (cancelled.includes('not_cancellable')) {
    throw new ConflictError(
      'wallet_order_not_cancellable',
      'The wallet provider refused to cancel the wallet payment: it has most likely just been paid. The payment will be applied shortly.',
    );
  }
  return commitOrConflict(order, transitioned(order, 'CANCELLED', 'api', now()));
}
