import { timingSafeEqual } from 'node:crypto';
import type { CulqiCredentials } from './credentials';

/**
 * Culqi signs no notification; CulqiPanel sends its webhook with HTTP basic authentication, the pair
 * set there and in the stage's Culqi secret (`webhookUser`/`webhookPassword`). Without that pair
 * every notification is refused: accepted unauthenticated, anyone's POST would be stored for the
 * raw-notification retention, page on-call as an unreadable notification, and count as a
 * notification received (decision 130). The notification only names an order, whose state is then
 * read from Culqi's API (decision 105): even an authenticated body can make us look, never apply.
 */
export function isValidCulqiWebhookAuth(
  credentials: CulqiCredentials,
  authorization: string | undefined,
): boolean {
  if (credentials.webhookUser === undefined || credentials.webhookPassword === undefined) return false;
  // The scheme's name is case-insensitive (RFC 9110 §11.1): `basic` is Basic.
  const [scheme = '', token = ''] = (authorization ?? '').trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== 'basic') return false;
  const expected = Buffer.from(
    Buffer.from(`${credentials.webhookUser}:${credentials.webhookPassword}`).toString('base64'),
  );
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
