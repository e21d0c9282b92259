import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Order } from '#model/order';
import { cashOptionId, offeredWalletOptions } from '#model/payment-options';
import { now } from '#platform/clock';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { type OptionClosure, pendingClosures, recordClosureAttempt } from '#store/option-closures';

/** Who closes an option: the stage's voucher provider (CIPs) and wallet provider (wallet orders). */
export interface OptionClosers {
  psp: PspProvider;
  wallet: WalletProvider | undefined;
}

/** Every option of `order` but the one that paid it: what must stop being payable (decision 104). */
export function closuresFor(order: Order, paidOptionId: string, at: string): OptionClosure[] {
  const closures: OptionClosure[] = [];
  const cashId = cashOptionId(order.id);
  if (paidOptionId !== cashId) {
    closures.push({
      optionId: cashId,
      orderId: order.id,
      method: 'cash',
      provider: order.voucher.provider,
      ref: order.voucher.cip,
      ...(order.voucher.providerPaymentId ? { providerPaymentId: order.voucher.providerPaymentId } : {}),
      state: 'pending',
      requestedAt: at,
      attempts: [],
    });
  }
  for (const option of offeredWalletOptions(order)) {
    if (option.id === paidOptionId || option.providerRef === undefined) continue;
    closures.push({
      optionId: option.id,
      orderId: order.id,
      method: 'wallet',
      provider: option.provider,
      ref: option.providerRef,
      state: 'pending',
      requestedAt: at,
      attempts: [],
    });
  }
  return closures;
}

/** Tries within one call, with a short pause between: a blip at the provider does not wait a whole sync run. */
const TRIES = 3;
const PAUSE_MS = 200;

export type CloseResult = 'closed' | 'refused' | 'pending';

/** The providers' answers meaning "this option can no longer be closed". */
const REFUSALS = new Set(['not_deletable', 'not_cancellable']);

export const wasRefused = (closure: OptionClosure) => REFUSALS.has(closure.attempts.at(-1)?.outcome ?? '');

/**
 * Closes one option at its provider — the CIP deleted, the wallet order cancelled — recording
 * every attempt on the closure. Done when the provider says it is closed or never had it.
 * `refused` when the provider will not close it (paid or expired there): it stays pending, without
 * further tries, until sync-pending reads its state back (payments/found-payments.ts) — a payment
 * that got through is a double payment whose notification may never come (decision 99).
 * Otherwise it stays pending for sync-pending's next run.
 */
export async function closeOption(closure: OptionClosure, closers: OptionClosers): Promise<CloseResult> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    let outcome: string;
    try {
      outcome =
        closure.method === 'cash'
          ? await closers.psp.deleteVoucher({
              cip: closure.ref,
              ...(closure.providerPaymentId ? { providerPaymentId: closure.providerPaymentId } : {}),
            })
          : closers.wallet && closers.wallet.name === closure.provider
            ? await closers.wallet.cancelWalletOrder({ providerRef: closure.ref, optionId: closure.optionId })
            : 'no_provider';
    } catch (error) {
      outcome = `error: ${error instanceof Error ? error.message : String(error)}`;
    }
    const refused = REFUSALS.has(outcome);
    const done = outcome === 'deleted' || outcome === 'cancelled' || outcome === 'not_found';
    await recordClosureAttempt(closure.optionId, { at: now().toISOString(), outcome }, done);
    if (done) {
      logger.info('payment option closed', { optionId: closure.optionId, orderId: closure.orderId, outcome });
      return 'closed';
    }
    if (refused) {
      logger.info('payment option not closable; sync-pending reads its state back', {
        optionId: closure.optionId,
        orderId: closure.orderId,
        outcome,
      });
      return 'refused';
    }
    if (attempt < TRIES) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS * attempt));
  }
  metrics.addMetric('PaymentOptionNotClosed', MetricUnit.Count, 1);
  logger.warn('payment option not closed yet; sync-pending retries it', {
    optionId: closure.optionId,
    orderId: closure.orderId,
  });
  return 'pending';
}

export async function closeOptions(closures: readonly OptionClosure[], closers: OptionClosers | undefined) {
  if (closers === undefined) return;
  await Promise.all(closures.map((closure) => closeOption(closure, closers)));
}

/**
 * sync-pending's part (decision 104): the closures still pending — the paying call died after its
 * transaction committed, or the provider did not answer its three tries — are tried again, oldest
 * first, while the run has time. Without this a crash between the payment and the close would
 * leave the other option payable for good. A closure its provider refused is not tried again:
 * `checkRefused` reads the option's state back and says whether it is settled (decision 99).
 */
export async function retryPendingClosures(
  closers: OptionClosers,
  options: {
    max: number;
    hasTimeLeft: () => boolean;
    checkRefused?: (closure: OptionClosure) => Promise<{ outcome: string; settled: boolean }>;
  },
): Promise<{ retried: number; closed: number; refusedChecked: number }> {
  let retried = 0;
  let closed = 0;
  let refusedChecked = 0;
  for (const closure of await pendingClosures(options.max)) {
    if (!options.hasTimeLeft()) break;
    retried++;
    const result = wasRefused(closure) ? 'refused' : await closeOption(closure, closers);
    if (result === 'closed') closed++;
    if (result !== 'refused' || options.checkRefused === undefined) continue;
    refusedChecked++;
    // The check's finding, recorded as the closure's last attempt: final when it settles it, else
    // the next run tries to close the option again.
    try {
      const { outcome, settled } = await options.checkRefused(closure);
      await recordClosureAttempt(closure.optionId, { at: now().toISOString(), outcome }, settled);
      if (settled) closed++;
    } catch (error) {
      logger.warn('a refused closure could not be checked; the next run asks again', {
        optionId: closure.optionId,
        error,
      });
    }
  }
  return { retried, closed, refusedChecked };
}
