import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `hashString` of POST /v1/authorizations: lowercase hex SHA-256 (a plain hash, not an HMAC) of
 * `idService.accessKey.secretKey.dateRequest`, with exactly the dateRequest string that is sent.
 */
export function authorizationHash(
  serviceId: string,
  accessKey: string,
  secretKey: string,
  dateRequest: string,
) {
  return createHash('sha256')
    .update(`${serviceId}.${accessKey}.${secretKey}.${dateRequest}`, 'utf8')
    .digest('hex');
}

/** `PE-Signature`: lowercase hex HMAC-SHA256 of the raw body bytes, keyed with the service's secret key. */
export function notificationSignature(secretKey: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secretKey).update(rawBody).digest('hex');
}

/**
 * Constant-time check of a `PE-Signature` header against the raw bytes received. Never
 * re-serialise the JSON before calling this: key order, spacing and escapes are part of the bytes.
 */
export function isValidNotificationSignature(
  secretKey: string,
  rawBody: Buffer,
  signatureHeader: string | undefined,
): boolean {
  if (signatureHeader === undefined) return false;
  const presented = signatureHeader.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(presented)) return false;
  const expected = Buffer.from(notificationSignature(secretKey, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}
