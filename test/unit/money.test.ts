import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimal } from '#model/money';

describe('money', () => {
  it('formats minor units as a two-decimal PSP amount', () => {
    expect(minorToDecimal(15000)).toBe('150.00');
    expect(minorToDecimal(1)).toBe('0.01');
    expect(minorToDecimal(1050)).toBe('10.50');
    expect(minorToDecimal(0)).toBe('0.00');
  });

  it('parses PSP amounts given as numbers or strings without float error', () => {
    expect(decimalToMinor(150)).toBe(15000);
    expect(decimalToMinor(150.1)).toBe(15010);
    expect(decimalToMinor('150.10')).toBe(15010);
    expect(decimalToMinor(' 0.07 ')).toBe(7);
    // 0.1 + 0.2 style traps: 19.99 * 100 is 1998.9999999999998 in binary floating point.
    expect(decimalToMinor(19.99)).toBe(1999);
  });

  it('refuses amounts that are not money, saying what it was given', () => {
    const notDecimal = /^not a decimal amount with at most 2 places: /;
    expect(() => decimalToMinor('150.123')).toThrow(
      new RangeError('not a decimal amount with at most 2 places: "150.123"'),
    );
    expect(() => decimalToMinor(150.123)).toThrow(
      new RangeError('not a decimal amount with at most 2 places: 150.123'),
    );
    expect(() => decimalToMinor(-1)).toThrow(notDecimal);
    expect(() => decimalToMinor('1e3')).toThrow(notDecimal);
    expect(() => decimalToMinor('')).toThrow(notDecimal);
    expect(() => decimalToMinor(Number.NaN)).toThrow(notDecimal);
    expect(() => decimalToMinor(Number.POSITIVE_INFINITY)).toThrow(notDecimal);
    expect(() => minorToDecimal(1.5)).toThrow(new RangeError('not a non-negative integer amount: 1.5'));
    expect(() => minorToDecimal(-1)).toThrow(new RangeError('not a non-negative integer amount: -1'));
  });

  it('refuses a number JavaScript prints with an exponent: it has more than two places, or is out of range', () => {
    // 1e-7 once became "0.00" (toFixed) and was read as 0.
    expect(() => decimalToMinor(1e-7)).toThrow(RangeError);
    expect(() => decimalToMinor(1e21)).toThrow(RangeError);
  });

  it('refuses an amount past the safe integers in minor units', () => {
    expect(() => decimalToMinor('90071992547409.92')).toThrow(
      new RangeError('amount out of range: "90071992547409.92"'),
    );
    expect(decimalToMinor('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
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
