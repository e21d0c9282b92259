import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizationHash,
  isValidNotificationSignature,
  notificationSignature,
} from '#psp/pagoefectivo/pe-signature';

// Vectors computed independently with Python's hashlib/hmac (see docs/webhooks.md).
const BODY =
  '{"eventType":"cip.paid","operationNumber":"12345","data":{"cip":2495383,"currency":"PEN","amount":150.00,' +
  '"paymentDate":"2026-11-26T10:15:00-05:00","transactionCode":"ord_1","userName":"Ñuño Peña Muñoz"}}';
const SECRET = 'secret-ñ';
const UTF8_SIGNATURE = '8c8aabc030b4906a81ffb5fa4489eae31cf8259ef9d986e6296b4ae814383abe';
const LATIN1_SIGNATURE = '9bba988c04bfb856e5ced7cc581c5624c14055a89b87fb1cf3cae1b4d3a19a54';

describe('hashString (authorization)', () => {
  it('is the SHA-256 of idService.accessKey.secretKey.dateRequest', () => {
    expect(
      authorizationHash('2001', 'sandbox-access-key', 'sandbox-secret-key', '2026-11-26T09:04:00-05:00'),
    ).toBe('dc794fd814d296bd7026f45a696406370519a910d728fc40576850cc55d1f80b');
  });
});

describe('PE-Signature', () => {
  const raw = Buffer.from(BODY, 'utf8');

  it('matches the reference HMAC over the UTF-8 bytes (names with ñ and accents)', () => {
    expect(notificationSignature(SECRET, raw)).toBe(UTF8_SIGNATURE);
    expect(isValidNotificationSignature(SECRET, raw, UTF8_SIGNATURE)).toBe(true);
    expect(isValidNotificationSignature(SECRET, raw, UTF8_SIGNATURE.toUpperCase())).toBe(true);
  });

  it('refuses a signature computed over latin-1 bytes', () => {
    expect(isValidNotificationSignature(SECRET, raw, LATIN1_SIGNATURE)).toBe(false);
  });

  it('is computed over the raw bytes: a re-serialised body no longer verifies', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(BODY)), 'utf8');
    expect(reserialised.equals(raw)).toBe(false); // 150.00 became 150
    expect(isValidNotificationSignature(SECRET, reserialised, UTF8_SIGNATURE)).toBe(false);
    const reindented = Buffer.from(JSON.stringify(JSON.parse(BODY), null, 2), 'utf8');
    expect(isValidNotificationSignature(SECRET, reindented, UTF8_SIGNATURE)).toBe(false);
  });

  it('verifies a body that arrived base64-encoded once decoded to the same bytes', () => {
    const viaBase64 = Buffer.from(raw.toString('base64'), 'base64');
    expect(isValidNotificationSignature(SECRET, viaBase64, UTF8_SIGNATURE)).toBe(true);
  });

  it('refuses missing, malformed and wrong-key signatures', () => {
    expect(isValidNotificationSignature(SECRET, raw, undefined)).toBe(false);
    expect(isValidNotificationSignature(SECRET, raw, '')).toBe(false);
    expect(isValidNotificationSignature(SECRET, raw, 'sha256=abc')).toBe(false);
    expect(isValidNotificationSignature(SECRET, raw, UTF8_SIGNATURE.slice(0, 63))).toBe(false);
    expect(isValidNotificationSignature('another-secret', raw, UTF8_SIGNATURE)).toBe(false);
  });

  it('rejects any change to the body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, flip) => {
          const body = Buffer.from(bytes);
          const signature = notificationSignature(SECRET, body);
          const tampered = Buffer.from(body);
          const index = at % tampered.length;
          tampered[index] = (tampered[index] ?? 0) ^ flip;
          expect(isValidNotificationSignature(SECRET, tampered, signature)).toBe(false);
          expect(
            isValidNotificationSignature(SECRET, Buffer.concat([body, Buffer.from(' ')]), signature),
          ).toBe(false);
        },
      ),
    );
  });

  it('rejects any change to the signature', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 63 }), (text, position) => {
        const body = Buffer.from(text, 'utf8');
        const signature = notificationSignature(SECRET, body);
        const replacement = signature[position] === '0' ? '1' : '0';
        const altered = signature.slice(0, position) + replacement + signature.slice(position + 1);
        expect(isValidNotificationSignature(SECRET, body, signature)).toBe(true);
        expect(isValidNotificationSignature(SECRET, body, altered)).toBe(false);
      }),
    );
  });
});
