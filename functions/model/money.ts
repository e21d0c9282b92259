/**
 * Money is integer minor units everywhere in our model (15000 = S/ 150.00). PagoEfectivo wants a
 * decimal with two places; these two functions are the only place that conversion happens.
 */
export type Currency = 'PEN' | 'USD';
export const CURRENCIES = ['PEN', 'USD'] as const;

export function minorToDecimal(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new RangeError(`not a non-negative integer amount: ${minor}`);
  const units = Math.trunc(minor / 100);
  const cents = minor % 100;
  return `${units}.${cents.toString().padStart(2, '0')}`;
}

/**
 * Parses a PSP amount (number or string, at most two decimals) into minor units without going
 * through binary floating point arithmetic: `"150.1"` → 15010, `150.10` → 15010, `"150"` → 15000.
 */
export function decimalToMinor(amount: number | string): number {
  // A number is read as JavaScript prints it, shortest form (150.10 → "150.1"), so a third decimal
  // shows and is refused; so is an exponent (1e-7 has more than two places, 1e21 is out of range).
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal amount with at most 2 places: ${JSON.stringify(amount)}`);
  // The pattern requires the units, so only the fraction can be absent.
  const [, units, fraction = ''] = match;
  const minor = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${JSON.stringify(amount)}`);
  return minor;
}
