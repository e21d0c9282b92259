import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { mapKey, pageLimit, plainText } from '#platform/api-fields';

describe('free text from marketplaces', () => {
  const name = plainText({ min: 1, max: 10 });
  const note = plainText({ max: 50, multiline: true });

  it('is trimmed and NFC-normalised, so one name typed two ways is one value', () => {
    expect(name.parse('  Nu\u0301n\u0303ez ')).toBe('Núñez');
  });

  it.each([
    ['NUL', 'Ana\u0000'],
    ['another C0 control', 'A\u0007na'],
    ['a C1 control', 'A\u0085na'],
    ['DEL', 'A\u007Fna'],
    ['a right-to-left override', 'Ana\u202Egpj.exe'],
    ['a bidi isolate', 'A\u2066na'],
    ['a zero-width no-break space (BOM) inside', 'A\uFEFFna'],
    ['a lone surrogate', 'Ana\uD800'],
    ['a line break in a one-line field', 'Ana\nMaría'],
  ])('refuses %s', (_what, text) => {
    expect(name.safeParse(text).success).toBe(false);
  });

  it('lets multi-line fields keep tabs and line breaks, and nothing else', () => {
    expect(note.parse('devuelto\npor transferencia\tT-1')).toBe('devuelto\npor transferencia\tT-1');
    expect(note.safeParse('a\u0000b').success).toBe(false);
  });

  it('keeps ordinary Spanish and emoji', () => {
    expect(name.parse('¡Añejo! 👟')).toBe('¡Añejo! 👟');
  });
});

describe('metadata keys', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'prototype', 'a b', ''])(
    'refuses %j',
    (key) => {
      expect(mapKey.safeParse(key).success).toBe(false);
    },
  );
  it('accepts plain keys', () => {
    expect(mapKey.parse('campaign.id')).toBe('campaign.id');
  });
});

describe('?limit=', () => {
  const query = z.object({ limit: pageLimit(25) });
  it.each(['1e1', '0x10', '0b11', '+5', ' 5', '5.0', '-1', '0', '101', ''])('refuses %j', (limit) => {
    expect(query.safeParse({ limit }).success).toBe(false);
  });
  it('reads digits, and defaults when absent', () => {
    expect(query.parse({ limit: '7' }).limit).toBe(7);
    expect(query.parse({}).limit).toBe(25);
  });
});
