import { now } from '#platform/clock';
import { config } from '#platform/config';
import { PagoEfectivoClient } from './client';
import { pspCredentials, secretSchema } from './credentials';

let client: PagoEfectivoClient | undefined;

/** One client per container, so the authorization token is shared by every invocation. */
export function pagoEfectivo(): PagoEfectivoClient {
  if (client === undefined) {
    const env = config();
    secretSchema(); // built with the client, at init: the first token call parses the secret with it
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
