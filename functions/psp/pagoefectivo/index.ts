import { now } from '#platform/clock';
import { config } from '#platform/config';
import { PagoEfectivoClient } from './client';
import { pspCredentials } from './credentials';

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
