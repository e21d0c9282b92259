import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { newPaymentOptionId } from '#model/ids';
import type { Currency } from '#model/money';
import type { Buyer, Order, StoredPaymentOption } from '#model/order';
import { offeredWalletOptions } from '#model/payment-options';
import { now } from '#platform/clock';
import { ConflictError, NotFoundError, PspRejectedError, UnprocessableError } from '#platform/errors';
import { logger, metrics } from '#platform/powertools';
import type { WalletProvider } from '#psp/wallet-provider';
import { type CreationIntent, recordCreationIntent } from '#store/creation-intents';
import { getOrder, paymentOptionPut, saveTransition } from '#store/orders-repository';
import { orderEventData } from './present';

/** Why `wallet` cannot offer this order a wallet option, before any call; undefined when it can. */
export function walletRefusal(
  wallet: WalletProvider | undefined,
  amountMinor: number,
  currency: Currency,
): string | undefined {
  if (wallet === undefined) return 'This stage has no wallet provider configured.';
  return wallet.refusal(amountMinor, currency);
}

interface WalletOptionRequest {
  orderId: string;
  amountMinor: number;
  currency: Currency;
  expiresAt: Date;
  concept: string;
  buyer: Buyer;
  createdAt: Date;
  intent: CreationIntent;
}

/**
 * A wallet option for a new order (decision 104), with the CIP's rules: the intent is recorded
 * under the option id before the provider is called (a payment of an order whose creation died is
 * still traced), the call has the invocation's time budget (psp/http-call.ts), and the option id is
 * the provider's order number and idempotency key. Never throws: a refusal or a provider that
 * fails leaves the option `unavailable` with the reason, and the order goes on with cash.
 */
export async function newWalletOption(
  wallet: WalletProvider | undefined,
  refusal: string | undefined,
  request: WalletOptionRequest,
): Promise<StoredPaymentOption> {
  const id = newPaymentOptionId(request.createdAt.getTime());
  const base = {
    id,
    method: 'wallet' as const,
    provider: wallet?.name ?? ('culqi' as const),
    amount: request.amountMinor,
    currency: request.currency,
    expiresAt: request.intent.expiresAt,
    createdAt: request.createdAt.toISOString(),
  };
  if (wallet === undefined || refusal !== undefined) {
    return { ...base, unavailableReason: refusal ?? 'This stage has no wallet provider configured.' };
  }
  try {
    await recordCreationIntent(request.intent, id);
    const created = await wallet.createWalletOrder({
      optionId: id,
      orderId: request.orderId,
      amountMinor: request.amountMinor,
      currency: request.currency,
      expiresAt: request.expiresAt,
      concept: request.concept,
      buyer: request.buyer,
    });
    return {
      ...base,
      providerRef: created.providerRef,
      wallet: {
        wallets: created.wallets,
        ...(created.qrPayload === undefined ? {} : { qrPayload: created.qrPayload }),
        ...(created.redirectUrl === undefined ? {} : { redirectUrl: created.redirectUrl }),
      },
    };
  } catch (error) {
    metrics.addMetric('WalletOptionUnavailable', MetricUnit.Count, 1);
    logger.warn('wallet option not offered: the provider failed', {
      orderId: request.orderId,
      provider: wallet.name,
      error,
    });
    const reason =
      error instanceof PspRejectedError
        ? error.message
        : `${wallet.name} could not be reached; the order can be paid in cash.`;
    return { ...base, unavailableReason: reason };
  }
}

/** A wallet order minted for an order that was never stored: cancelled so nobody pays it. */
export async function cancelOrphanWalletOrder(
  wallet: WalletProvider | undefined,
  option: StoredPaymentOption,
  orderId: string,
): Promise<void> {
  if (wallet === undefined || option.providerRef === undefined) return;
  try {
    await wallet.cancelWalletOrder({ providerRef: option.providerRef, optionId: option.id });
  } catch (error) {
    logger.error('could not cancel an orphan wallet order', { orderId, optionId: option.id, error });
    metrics.addMetric('OrphanWalletOrderNotCancelled', MetricUnit.Count, 1);
  }
}

/**
 * `POST /v1/orders/{id}/payment-options {method: "wallet"}`: the buyer chose a wallet on the
 * voucher page after the order was made. Idempotent by state: an order that already offers a
 * wallet answers with it; an unavailable option is tried again. Only a pending order takes one.
 */
export async function addWalletOption(orderId: string, wallet: WalletProvider | undefined): Promise<Order> {
  const order = await getOrder(orderId, true);
  if (order === undefined) throw new NotFoundError(`No order ${orderId}.`);
  if (offeredWalletOptions(order).length > 0) return order;
  if (order.status !== 'PENDING_PAYMENT') {
    throw new ConflictError(
      'order_not_payable',
      `The order is ${order.status}: it takes no new way to pay.`,
      {
        orderStatus: order.status,
      },
    );
  }
  const refusal = walletRefusal(wallet, order.amount, order.currency);
  if (refusal !== undefined) throw new UnprocessableError('wallet_not_offered', refusal, { field: 'method' });
  const at = now();
  const option = await newWalletOption(wallet, undefined, {
    orderId: order.id,
    amountMinor: order.amount,
    currency: order.currency,
    expiresAt: new Date(order.expiresAt),
    concept: order.concept,
    buyer: order.buyer,
    createdAt: at,
    intent: {
      orderId: order.id,
      reference: order.reference,
      amount: order.amount,
      currency: order.currency,
      createdAt: order.createdAt,
      expiresAt: order.expiresAt,
    },
  });
  if (option.unavailableReason !== undefined) {
    throw new UnprocessableError('wallet_not_offered', option.unavailableReason, { field: 'method' });
  }
  const next: Order = {
    ...order,
    // An earlier unavailable attempt is replaced: the order shows the option it offers.
    paymentOptions: [
      ...(order.paymentOptions ?? []).filter((o) => o.unavailableReason === undefined),
      option,
    ],
    updatedAt: at.toISOString(),
    version: order.version + 1,
  };
  try {
    await saveTransition(
      order,
      next,
      orderEventData(next),
      [paymentOptionPut(option.id, order.id)],
      'order.payment_option_added',
    );
  } catch (error) {
    await cancelOrphanWalletOrder(wallet, option, order.id);
    // Someone else changed the order meanwhile (perhaps added a wallet too, or it was paid): their
    // state wins; a retry answers with it.
    throw error;
  }
  logger.info('wallet option added', { orderId, optionId: option.id });
  return next;
}
