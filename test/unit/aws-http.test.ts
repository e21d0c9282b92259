import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyText } from '#platform/aws-http';

describe('bodyText: an AWS reply body as text', () => {
  it('keeps a character whose UTF-8 bytes arrive in two chunks (a secret or an S3 error in Spanish)', async () => {
    const bytes = Buffer.from('{"SecretString":"contraseña"}', 'utf8');
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of "ñ"
    const body = Readable.from([
      bytes.subarray(0, split),
      bytes.subarray(split),
    ]) as unknown as IncomingMessage;
    expect(await bodyText(body)).toBe('{"SecretString":"contraseña"}');
  });
});
