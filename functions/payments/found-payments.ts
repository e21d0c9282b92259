import type { Order, StoredPaymentOption } from '#model/order';
import { offeredWalletOptions } from '#model/payment-options';
import { now } from '#platform/clock';
import type { WalletProvider, WalletStatus } from '#psp/wallet-provider';
import type { OptionClosure } from '#store/option-closures';
import { getOrder } from '#store/orders-repository';
import { type ApplyOutcome, applyPayment, type ObservedPayment } from './apply-payment';
import type { OptionClosers } from './option-closures';

/**
 * Payments found by asking the providers instead of hearing from them (decision 99): a wallet
 * option's payment whose notification was lost, and the payment that made a closure refuse.
 * Each is applied by the one applier, `source: "poll"`, exactly as its notification would be.
 */

type WalletOptionRef = Pick<StoredPaymentOption, 'id' | 'provider'> & { providerRef: string };

/**
 * The payment a wallet status reports, in the terms a wallet notification is applied in
 * (notifications/process-notification.ts): the option id stands for the CIP, and the operation is
 * the provider's paying charge (or its order), so the notification arriving after the poll — or
 * before it — is the same payment record, never a second one.
 */
export function polledWalletPayment(
  option: WalletOptionRef,
  status: WalletStatus,
  fallbackPaidAt: Date,
): ObservedPayment {
  return {
    cip: option.id,
    optionId: option.id,
    operationNumber: status.operationNumber ?? option.providerRef,
    amountMinor: status.amountMinor ?? 0,
    currency: status.currency ?? '',
    paidAt: status.paidAt ?? fallbackPaidAt,
    transactionCode: option.id,
    provider: option.provider,
  };
}

/**
 * The order's wallet options still payable at `wallet` (the stage's wallet provider): offered,
 * minted there. An order's options are open exactly while it is PENDING_PAYMENT (their statuses
 * derive from it), so the jobs find them through the pending index they already read.
 */
export function openWalletOptions(order: Order, wallet: WalletProvider | undefined): WalletOptionRef[] {
  if (wallet === undefined || order.status !== 'PENDING_PAYMENT') return [];
  return offeredWalletOptions(order).flatMap((option) =>
    option.providerRef !== undefined && option.provider === wallet.name
      ? [{ id: option.id, provider: option.provider, providerRef: option.providerRef }]
      : [],
  );
}

/**
 * Asks the wallet provider about each open wallet option of `order` (concurrently: each is its own
 * call) and returns the payment of the first one found paid, or undefined. Throws when the
 * provider cannot answer: the caller decides what an unanswered question means.
 */
export async function walletPaymentOf(
  order: Order,
  wallet: WalletProvider | undefined,
  fallbackPaidAt: Date,
): Promise<ObservedPayment | undefined> {
  const options = openWalletOptions(order, wallet);
  if (wallet === undefined || options.length === 0) return undefined;
  const statuses = await Promise.all(
    options.map((option) => wallet.walletStatus({ providerRef: option.providerRef, optionId: option.id })),
  );
  const index = statuses.findIndex((status) => status.state === 'paid');
  const option = options[index];
  const status = statuses[index];
  return option && status ? polledWalletPayment(option, status, fallbackPaidAt) : undefined;
}

/** What asking about a refused closure found. */
export type RefusedClosureCheck =
  | { found: 'paid'; outcome: ApplyOutcome }
  | { found: 'not_payable'; state: string }
  | { found: 'undecided'; state: string };

/**
 * A provider refused to close an option (CIP not deletable, wallet order not cancellable): most
 * likely the buyer paid it as the other payment landed. Its notification may never come, so the
 * option's state is read back: a payment there is applied now (a double payment, its money in
 * suspense once); an option expired or deleted there is closed for good; anything else is asked
 * again on the next run.
 */
export async function checkRefusedClosure(
  closure: OptionClosure,
  closers: OptionClosers,
): Promise<RefusedClosureCheck> {
  const order = await getOrder(closure.orderId, true);
  if (order === undefined) return { found: 'not_payable', state: 'no such order' };
  let payment: ObservedPayment | undefined;
  let state: string;
  if (closure.method === 'cash') {
    const [status] = await closers.psp.searchVouchers([
      {
        cip: closure.ref,
        ...(closure.providerPaymentId ? { providerPaymentId: closure.providerPaymentId } : {}),
      },
    ]);
    state = status?.state ?? 'unknown';
    if (status?.state === 'paid') {
      payment = {
        cip: closure.ref,
        operationNumber: null,
        // PagoEfectivo takes no partial payments: a missing amount is the CIP's own amount.
        amountMinor: status.amountMinor ?? order.amount,
        currency: status.currency ?? order.currency,
        paidAt: status.paidAt ?? now(),
        paidAtSource: status.paidAt === undefined ? 'received' : 'provider',
      };
    }
  } else {
    const wallet = closers.wallet;
    if (wallet === undefined || wallet.name !== closure.provider)
      return { found: 'undecided', state: 'no client for its provider' };
    const status = await wallet.walletStatus({ providerRef: closure.ref, optionId: closure.optionId });
    state = status.state;
    if (status.state === 'paid') {
      payment = polledWalletPayment(
        { id: closure.optionId, provider: closure.provider, providerRef: closure.ref },
        status,
        now(),
      );
    }
  }
  if (payment) return { found: 'paid', outcome: await applyPayment(payment, 'poll', undefined, closers) };
  if (state === 'expired' || state === 'deleted' || state === 'cancelled')
    return { found: 'not_payable', state };
  return { found: 'undecided', state };
}

/** `checkRefusedClosure` as a closure attempt: what was found, and whether the closure is settled. */
export async function refusedClosureAttempt(
  closure: OptionClosure,
  closers: OptionClosers,
): Promise<{ outcome: string; settled: boolean }> {
  const check = await checkRefusedClosure(closure, closers);
  if (check.found === 'paid') {
    const applied = check.outcome.result === 'anomaly' ? check.outcome.type : check.outcome.result;
    return { outcome: `paid at the provider: ${applied}`, settled: true };
  }
  return { outcome: `${check.state} at the provider`, settled: check.found === 'not_payable' };
}
