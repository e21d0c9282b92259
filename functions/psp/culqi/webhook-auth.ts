import { timingSafeEqual } from 'node:crypto';
import type { CulqiCredentials } from './credentials';

/**
 * Culqi signs no notification; CulqiPanel can send a webhook with HTTP basic authentication, and
 * when the stage sets that pair (`webhookUser`/`webhookPassword`) a notification without it is
 * refused here. Either way the notification only names an order, whose state is then read from
 * Culqi's API (decision 105): a forged body can make us look, never make us apply.
 */
export function isValidCulqiWebhookAuth(
  credentials: CulqiCredentials,
  authorization: string | undefined,
): boolean {
  if (credentials.webhookUser === undefined || credentials.webhookPassword === undefined) return true;
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${credentials.webhookUser}:${credentials.webhookPassword}`).toString('base64')}`,
  );
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
