import { config } from '#platform/config';
import { CulqiClient } from './client';
import { culqiCredentials } from './credentials';

let client: CulqiClient | undefined;

export function culqi(): CulqiClient {
  client ??= new CulqiClient({
    baseUrl: config().CULQI_BASE_URL,
    secretKey: async () => (await culqiCredentials()).secretKey,
    timeoutMs: config().PSP_TIMEOUT_MS,
  });
  return client;
}

export function resetCulqiForTests(): void {
  client = undefined;
}
