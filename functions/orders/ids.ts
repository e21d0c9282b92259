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
