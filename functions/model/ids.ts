import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (time-ordered, 26 Crockford base-32 chars): ids sort by creation time, which keeps
 * "newest first" listings and log searches simple.
 */
export function ulid(timeMs: number = Date.now()): string {
  let time = '';
  let t = timeMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += CROCKFORD.charAt(byte % 32);
  return time + random;
}

export function newOrderId(timeMs?: number): string {
  return `ord_${ulid(timeMs)}`;
}

/**
 * The secret in a voucher page's URL (`/v/{token}`): 128 random bits, base64url (22 characters),
 * never derived from an id, so a page cannot be guessed from an order or a CIP.
 */
export function newVoucherPageToken(): string {
  return randomBytes(16).toString('base64url');
}

export const VOUCHER_PAGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** A payment option's id (`po_…`): the wallet provider's order number for it. */
export function newPaymentOptionId(timeMs?: number): string {
  return `po_${ulid(timeMs)}`;
}
