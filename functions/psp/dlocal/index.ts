import { now } from '#platform/clock';
import { config } from '#platform/config';
import { DlocalClient } from './client';
import { dlocalCredentials, secretSchema } from './credentials';

let client: DlocalClient | undefined;

export function dlocal(): DlocalClient {
  if (client === undefined) {
    const env = config();
    secretSchema(); // built with the client, at init: the first call parses the secret with it
    client = new DlocalClient({
      baseUrl: env.DLOCAL_BASE_URL,
      credentials: dlocalCredentials,
      now,
      timeoutMs: env.PSP_TIMEOUT_MS,
      ...(env.PUBLIC_BASE_URL ? { notificationUrl: `${env.PUBLIC_BASE_URL}/webhooks/dlocal` } : {}),
    });
  }
  return client;
}

export function resetDlocalForTests(): void {
  client = undefined;
}
