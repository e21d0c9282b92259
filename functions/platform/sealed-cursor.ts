import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { config } from './config';

/**
 * Listing cursors leave the API sealed: AES-256-GCM under the stage's cursor key, with the caller
 * (principal and seller) and the listing's route as associated data (decision 76). A caller cannot
 * read one (DynamoDB keys hold order, refund and buyer-document ids), forge one, or replay one it
 * was not given: another principal's, another seller's or another listing's cursor does not open,
 * and the API answers 400 problem+json naming the field. The store's own cursor checks stay behind
 * this (a cursor of the same route with other filters is still refused there).
 *
 * The key: in AWS the secret `pagoefectivo/<stage>/cursor-key` ({"key": "…"}, generated at deploy,
 * never in a template; CURSOR_KEY_SECRET_ARN), read with the cached secretJson only when a cursor
 * comes in or goes out; locally CURSOR_KEY, a random value per local stack start. Rotating it only
 * ends open cursors: a client starts that listing again.
 */

const VERSION = 'c1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A sealed cursor is a little longer than the ≤ 2048-character cursor inside it. */
export const SEALED_CURSOR_MAX_LENGTH = 3000;

/** The stage's cursor key (32 bytes), or undefined where none is configured. */
export async function cursorKey(): Promise<Buffer | undefined> {
  const { CURSOR_KEY, CURSOR_KEY_SECRET_ARN } = config();
  let material = CURSOR_KEY;
  if (material === undefined && CURSOR_KEY_SECRET_ARN !== undefined) {
    // Imported here, not with every HTTP function: the openapi function never seals a cursor and
    // reads no other secret, and the Secrets Manager client would be the largest thing it loads.
    // Elsewhere the module is in the bundle already (the PSP credentials), or a chunk sharing the
    // SDK core with the DynamoDB client (decision 123).
    const { secretJson } = await import('./secrets');
    const secret = (await secretJson(CURSOR_KEY_SECRET_ARN)) as { key?: unknown };
    if (typeof secret.key !== 'string' || secret.key.length < 32) {
      throw new Error('The cursor key secret holds no "key" of 32+ characters.');
    }
    material = secret.key;
  }
  return material === undefined ? undefined : createHash('sha256').update(material, 'utf8').digest();
}

export function sealCursor(key: Buffer, binding: string, cursor: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const sealed = Buffer.concat([cipher.update(cursor, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The cursor inside, or undefined when it is not one this key sealed for this binding. */
export function openCursor(key: Buffer, binding: string, sealed: string): string | undefined {
  if (!sealed.startsWith(VERSION) || sealed.length > SEALED_CURSOR_MAX_LENGTH) return undefined;
  const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}
