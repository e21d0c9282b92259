/**
 * The stage's voucher provider (`PSP_PROVIDER`), for the handlers that hand one to their use case.
 * Use cases never import an adapter: they take a PspProvider (psp/provider.ts).
 */

import type { ProviderName } from '#contract/service';
import { config } from '#platform/config';
import { dlocal } from './dlocal';
import {
  notificationSchemas as dlocalNotificationSchemas,
  parseDlocalNotification,
} from './dlocal/notification';
import { pagoEfectivo } from './pagoefectivo';
import {
  notificationSchemas as pagoEfectivoNotificationSchemas,
  parseNotification,
} from './pagoefectivo/notification';
import { PagoEfectivoProvider } from './pagoefectivo/provider';
import type { ParsedNotification, PspProvider } from './provider';

let pagoEfectivoProvider: PagoEfectivoProvider | undefined;

export function pspProvider(name: ProviderName = config().PSP_PROVIDER): PspProvider {
  if (name === 'dlocal') return dlocal();
  pagoEfectivoProvider ??= new PagoEfectivoProvider(pagoEfectivo());
  return pagoEfectivoProvider;
}

export function resetPspProviderForTests(): void {
  pagoEfectivoProvider = undefined;
}

/**
 * Reads a verified notification from `provider` (which route it came in by). `receivedAt` stands
 * in for a payment date the body does not carry (both providers' documented samples can lack it).
 */
export function parseProviderNotification(
  provider: ProviderName,
  rawBody: Buffer,
  receivedAt: Date,
): ParsedNotification {
  return provider === 'dlocal'
    ? parseDlocalNotification(rawBody, receivedAt)
    : parseNotification(rawBody, receivedAt);
}

/**
 * Builds the stage's provider's notification schemas now, in the init of the function that reads
 * notifications (apply-payment); the other provider's are built with its first notification, and
 * a stage that never receives one never builds them (decision 120).
 */
export function prepareNotificationParsing(provider: ProviderName = config().PSP_PROVIDER): void {
  if (provider === 'dlocal') dlocalNotificationSchemas();
  else pagoEfectivoNotificationSchemas();
}
