import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * dLocal's request and notification signature: hex HMAC-SHA256, keyed with the merchant's secret
 * key, of `X-Login + X-Date + body` (the raw body bytes; empty for a GET), sent as
 * `Authorization: V2-HMAC-SHA256, Signature: <hex>`.
 */
export function dlocalSignature(
  secretKey: string,
  login: string,
  date: string,
  body: Buffer | string,
): string {
  return createHmac('sha256', secretKey)
    .update(login, 'utf8')
    .update(date, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

export function dlocalAuthorization(signature: string): string {
  return `V2-HMAC-SHA256, Signature: ${signature}`;
}

/**
 * The signature carried by a request or notification: `Authorization: V2-HMAC-SHA256, Signature:
 * <hex>` (what dLocal documents for both), or a bare `Signature: <hex>` header (as its
 * notification guide words it). Undefined when neither holds a hex signature.
 */
export function signatureFromHeaders(
  authorization: string | undefined,
  signature: string | undefined,
): string | undefined {
  const fromAuthorization = /^\s*V2-HMAC-SHA256\s*,\s*Signature:\s*([0-9a-f]{64})\s*$/i.exec(
    authorization ?? '',
  );
  if (fromAuthorization?.[1]) return fromAuthorization[1].toLowerCase();
  const bare = /^\s*(?:V2-HMAC-SHA256\s*,\s*)?(?:Signature:\s*)?([0-9a-f]{64})\s*$/i.exec(signature ?? '');
  return bare?.[1]?.toLowerCase();
}

/** Constant-time check of a notification: the login must be ours and the HMAC must match. */
export function isValidDlocalSignature(
  credentials: { login: string; secretKey: string },
  headers: {
    login: string | undefined;
    date: string | undefined;
    authorization: string | undefined;
    signature: string | undefined;
  },
  rawBody: Buffer,
): boolean {
  const given = signatureFromHeaders(headers.authorization, headers.signature);
  if (given === undefined || headers.date === undefined || headers.date === '') return false;
  // The login dLocal sends is ours; sign with ours whatever the header says, so a wrong one fails.
  const expected = dlocalSignature(credentials.secretKey, credentials.login, headers.date, rawBody);
  if (headers.login !== undefined && headers.login !== credentials.login) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
