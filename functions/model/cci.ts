/**
 * Peru's interbank account code (CCI): 20 digits = bank (3) + branch (3) + account (12) + two
 * check digits. The first check digit covers digits 1–6, the second digits 7–18; each is computed
 * with weights 1, 2, 1, 2, … from the left, adding the digits of every product, and
 * check = (10 − sum mod 10) mod 10.
 */
function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[i]) * (i % 2 === 0 ? 1 : 2);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why `cci` is not a valid CCI, or undefined when it is. */
export function cciProblem(cci: string): string | undefined {
  if (!/^\d{20}$/.test(cci)) return 'A CCI has exactly 20 digits.';
  if (checkDigit(cci.slice(0, 6)) !== Number(cci[18]) || checkDigit(cci.slice(6, 18)) !== Number(cci[19])) {
    return 'The check digits do not match: re-read the CCI.';
  }
  return undefined;
}

/** All but the last 4 digits hidden, for answers and logs. */
export function maskCci(cci: string): string {
  return `${'*'.repeat(Math.max(0, cci.length - 4))}${cci.slice(-4)}`;
}
