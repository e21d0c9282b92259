import { now } from '#platform/clock';
import { config } from '#platform/config';
import type { PspProvider } from '../provider';
import { PagoEfectivoClient } from './client';
import { pspCredentials } from './credentials';
import { PagoEfectivoProvider } from './provider';

let client: PagoEfectivoClient | undefined;

/** One client per container, so the authorization token is shared by every invocation. */
export function pagoEfectivo(): PagoEfectivoClient {
  if (client === undefined) {
    const env = config();
    client = new PagoEfectivoClient({
      baseUrl: env.PAGOEFECTIVO_BASE_URL,
      credentials: pspCredentials,
      now,
      timeoutMs: env.PSP_TIMEOUT_MS,
    });
  }
  return client;
}

export function resetPagoEfectivoForTests(): void {
  client = undefined;
}

/** The adapter's entry for psp/index.ts: PagoEfectivo behind the provider interface. */
export function createProvider(): PspProvider {
  return new PagoEfectivoProvider(pagoEfectivo());
}
