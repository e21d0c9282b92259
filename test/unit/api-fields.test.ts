import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { mapKey, pageLimit, pastInstant, plainText } from '#platform/api-fields';

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
    ['a Unicode line separator in a one-line field', 'Ana\u2028M'],
    ['a Unicode paragraph separator in a one-line field', 'Ana\u2029M'],
    ['a left-to-right mark', 'Ana\u200E'],
    ['a right-to-left mark', 'Ana\u200F'],
    ['an Arabic letter mark', 'A\u061Cna'],
    ['a zero-width space', 'A\u200Bna'],
    ['a soft hyphen', 'A\u00ADna'],
    ['a word joiner', 'A\u2060na'],
    // Default-ignorable code points an outside tester got through (decision 131).
    ['tag characters (hidden ASCII)', 'Pre\u{E0041}\u{E0042}Post'],
    ['a Hangul filler', 'Pre\u3164Post'],
    ['a Hangul choseong filler', 'Pre\u115FPost'],
    ['a halfwidth Hangul filler', 'Pre\uFFA0Post'],
    ['a name of fillers only', '\u3164\u3164'],
    ['a Mongolian vowel separator', 'A\u180Ena'],
    ['a combining grapheme joiner', 'A\u034Fna'],
    ['a Khmer inherent vowel', 'A\u17B4na'],
    ['a deprecated format character', 'A\u206Ana'],
    ['an interlinear annotation anchor', 'A\uFFF9na'],
  ])('refuses %s', (_what, text) => {
    expect(name.safeParse(text).success).toBe(false);
  });

  it('names what it refused: a BOM is invisible, not a bidi control', () => {
    const refused = name.safeParse('A\uFEFFna');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/^Invisible characters/);
    expect(name.safeParse('A\u200Fna').error?.issues[0]?.message).toMatch(/^Bidirectional marks/);
  });

  it('lets multi-line fields keep tabs and line breaks, and nothing else', () => {
    expect(note.parse('devuelto\npor transferencia\tT-1')).toBe('devuelto\npor transferencia\tT-1');
    expect(note.parse('a\u2028b')).toBe('a\u2028b');
    expect(note.safeParse('a\u0000b').success).toBe(false);
    expect(note.safeParse('a\u200Bb').success).toBe(false);
  });

  it('keeps ordinary Spanish and emoji, joiners included', () => {
    expect(name.parse('¡Añejo! 👟')).toBe('¡Añejo! 👟');
    // A family emoji is four people held together by zero-width joiners.
    expect(name.parse('👨\u200D👩\u200D👧')).toBe('👨\u200D👩\u200D👧');
    // Variation selectors (a red heart, not a black one) and a subdivision flag's tag characters.
    expect(name.parse('❤\uFE0F')).toBe('❤\uFE0F');
    const wales = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}';
    expect(name.parse(wales)).toBe(wales);
    // Persian's zero-width non-joiner.
    expect(name.parse('می\u200Cخواهم')).toBe('می\u200Cخواهم');
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

describe('an instant something already happened (pastInstant)', () => {
  const paidAt = pastInstant();
  it('takes Z or a UTC offset', () => {
    expect(paidAt.parse('2026-11-27T15:00:00-05:00')).toBe('2026-11-27T15:00:00-05:00');
    expect(paidAt.parse('2026-11-27T20:00:00Z')).toBe('2026-11-27T20:00:00Z');
  });
  it('refuses one in the future, beyond a few minutes of clock skew', () => {
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    expect(paidAt.safeParse(inAnHour).error?.issues[0]?.message).toBe('Cannot be in the future.');
    expect(paidAt.safeParse('2099-01-01T00:00:00Z').success).toBe(false);
    expect(paidAt.safeParse(new Date(Date.now() + 60_000).toISOString()).success).toBe(true);
  });
});
