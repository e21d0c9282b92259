import { notificationIds } from '#model/anomaly';
import { type ApplyOutcome, applyPayment, reportAnomaly } from '#payments/apply-payment';
import type { OptionClosers } from '#payments/option-closures';
import { now } from '#platform/clock';
import { logger } from '#platform/powertools';
import { parseCulqiNotification } from '#psp/culqi/notification';
import { parseProviderNotification } from '#psp/index';
import type { WalletProvider } from '#psp/wallet-provider';
import { applyProviderRefund } from '#refunds/provider-refunds';
import { matchVoucher } from './match-voucher';
import type { QueuedNotificationInput } from './queued-notification';

export type NotificationOutcome =
  | ApplyOutcome
  | { result: 'ignored'; eventType: string }
  | { result: 'refund'; refundId: string | undefined; status: string };

/** Turns one queued, already-verified notification into its effect on the orders. */
export async function processNotification(
  message: QueuedNotificationInput,
  /** The stage's providers, to close the options a payment made redundant (decision 104). */
  closers?: OptionClosers,
): Promise<NotificationOutcome> {
  const provider = message.provider ?? 'pagoefectivo';
  if (provider === 'culqi') return processCulqiNotification(message, closers);
  const parsed = parseProviderNotification(
    provider,
    Buffer.from(message.rawBodyBase64, 'base64'),
    new Date(message.receivedAt),
  );
  if (parsed.kind === 'paid') {
    // The route it came by is the provider whose signature was verified on it.
    const payment = { ...(await matchVoucher(parsed.payment)), provider };
    return applyPayment(payment, 'webhook', message.notificationId, closers);
  }
  if (parsed.kind === 'refund') {
    return applyProviderRefund(parsed.providerRefundId, parsed.status, message.notificationId);
  }
  if (parsed.kind === 'informational') {
    logger.info('informational notification; nothing to apply', {
      eventType: parsed.eventType,
      notificationId: message.notificationId,
    });
    return { result: 'ignored', eventType: parsed.eventType };
  }
  return unreadable(message.notificationId, parsed);
}

/**
 * Culqi's event names an order; its state is read back from Culqi (decision 105) and only a
 * `paid` answer is applied, as the wallet option's payment (option id = Culqi's order number).
 */
async function processCulqiNotification(
  message: QueuedNotificationInput,
  closers: OptionClosers | undefined,
): Promise<NotificationOutcome> {
  const parsed = parseCulqiNotification(Buffer.from(message.rawBodyBase64, 'base64'));
  if (parsed.kind === 'informational') return { result: 'ignored', eventType: parsed.eventType };
  if (parsed.kind === 'unparsable') return unreadable(message.notificationId, parsed);
  const wallet: WalletProvider | undefined = closers?.wallet;
  if (wallet === undefined || wallet.name !== 'culqi') {
    throw new Error(
      'A Culqi notification arrived, but this function has no Culqi client to read it back with.',
    );
  }
  const status = await wallet.walletStatus({
    providerRef: parsed.providerRef,
    optionId: parsed.optionId ?? '',
  });
  if (status.state === 'unknown') {
    // Signed with the right pair, yet naming an order Culqi does not show us: a notification from
    // another Culqi account or environment, or a pair known to someone else. Nothing is applied
    // (only Culqi's own answer moves money), but a person should see it (decision 133).
    const type = 'unknown_wallet_order';
    await reportAnomaly({
      id: `${type}:${message.notificationId}`,
      type,
      detectedAt: now().toISOString(),
      detail: `Culqi does not know order ${parsed.providerRef} (or reports a state this service does not read); nothing was applied.`,
      provider: 'culqi',
      ...notificationIds(message.notificationId),
      source: 'webhook',
    });
    return { result: 'anomaly', type };
  }
  const optionId = status.optionId ?? parsed.optionId;
  if (status.state !== 'paid' || optionId === undefined) {
    logger.info('Culqi order not paid; nothing to apply', {
      providerRef: parsed.providerRef,
      state: status.state,
    });
    return { result: 'ignored', eventType: `order.status.changed:${status.state}` };
  }
  return applyPayment(
    {
      cip: optionId,
      optionId,
      operationNumber: status.operationNumber ?? parsed.providerRef,
      amountMinor: status.amountMinor ?? 0,
      currency: status.currency ?? '',
      paidAt: status.paidAt ?? new Date(message.receivedAt),
      transactionCode: optionId,
      provider: 'culqi',
    },
    'webhook',
    message.notificationId,
    closers,
  );
}

async function unreadable(
  notificationId: string,
  parsed: { kind: 'unknown_event_type'; eventType: string } | { kind: 'unparsable'; reason: string },
): Promise<NotificationOutcome> {
  const type = parsed.kind === 'unknown_event_type' ? 'unknown_event_type' : 'unparsable_notification';
  await reportAnomaly({
    id: `${type}:${notificationId}`,
    type,
    detectedAt: now().toISOString(),
    detail:
      parsed.kind === 'unknown_event_type' ? `Event type ${parsed.eventType} is not handled.` : parsed.reason,
    ...notificationIds(notificationId),
    source: 'webhook',
  });
  return { result: 'anomaly', type };
}
