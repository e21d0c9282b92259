import { describe, expect, it } from 'vitest';
import { parsePspDate, toLimaIso } from '#psp/pagoefectivo/lima-time';

describe('Lima time', () => {
  it('converts the real instant, not the UTC reading, to -05:00', () => {
    expect(toLimaIso(new Date('2026-11-26T14:04:00.789Z'))).toBe('2026-11-26T09:04:00-05:00');
    // Across midnight and a year boundary.
    expect(toLimaIso(new Date('2027-01-01T03:30:00Z'))).toBe('2026-12-31T22:30:00-05:00');
  });

  it('parses PSP dates with offset, milliseconds, or none (Lima implied)', () => {
    expect(parsePspDate('2026-11-26T09:04:00-05:00')?.toISOString()).toBe('2026-11-26T14:04:00.000Z');
    expect(parsePspDate('2026-11-26T09:04:00.250-05:00')?.toISOString()).toBe('2026-11-26T14:04:00.250Z');
    expect(parsePspDate('2026-11-26T09:04:00')?.toISOString()).toBe('2026-11-26T14:04:00.000Z');
    expect(parsePspDate('2026-11-26T14:04:00Z')?.toISOString()).toBe('2026-11-26T14:04:00.000Z');
  });

  it('reads 1900-01-01 and blanks as "no date"', () => {
    expect(parsePspDate('1900-01-01T00:00:00-05:00')).toBeUndefined();
    expect(parsePspDate('')).toBeUndefined();
    expect(parsePspDate(null)).toBeUndefined();
  });

  it('refuses garbage', () => {
    expect(() => parsePspDate('mañana')).toThrow(RangeError);
  });

  it('round-trips to the second', () => {
    const instant = new Date('2026-06-30T23:59:59Z');
    expect(parsePspDate(toLimaIso(instant))?.getTime()).toBe(instant.getTime());
  });
});
