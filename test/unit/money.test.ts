import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimal } from '#orders/money';

describe('money', () => {
  it('formats minor units as a two-decimal PSP amount', () => {
    expect(minorToDecimal(15000)).toBe('150.00');
    expect(minorToDecimal(1)).toBe('0.01');
    expect(minorToDecimal(1050)).toBe('10.50');
  });

  it('parses PSP amounts given as numbers or strings without float error', () => {
    expect(decimalToMinor(150)).toBe(15000);
    expect(decimalToMinor(150.1)).toBe(15010);
    expect(decimalToMinor('150.10')).toBe(15010);
    expect(decimalToMinor(' 0.07 ')).toBe(7);
    // 0.1 + 0.2 style traps: 19.99 * 100 is 1998.9999999999998 in binary floating point.
    expect(decimalToMinor(19.99)).toBe(1999);
  });

  it('refuses amounts that are not money', () => {
    expect(() => decimalToMinor('150.123')).toThrow(RangeError);
    expect(() => decimalToMinor(150.123)).toThrow(RangeError);
    expect(() => decimalToMinor(-1)).toThrow(RangeError);
    expect(() => decimalToMinor('1e3')).toThrow(RangeError);
    expect(() => decimalToMinor('')).toThrow(RangeError);
    expect(() => minorToDecimal(1.5)).toThrow(RangeError);
  });

  it('round-trips every amount in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (minor) => {
        expect(decimalToMinor(minorToDecimal(minor))).toBe(minor);
        expect(decimalToMinor(Number(minorToDecimal(minor)))).toBe(minor);
      }),
    );
  });
});
