/**
 * Peruvian identity documents as providers and banks use them: DNI (national id), CE (Carné de
 * Extranjería, foreign residents), RUC (the tax id of companies and of people with a business),
 * PAS (passport), and the other types PagoEfectivo's API lists for buyers (LMI military id, PAR
 * birth certificate, NAN no document). Pure: the schemas of orders, refunds and bank accounts
 * validate a number by its type with it.
 */
import type { DocumentType } from './order';

const RULES: Record<DocumentType, { pattern: RegExp; message: string }> = {
  DNI: { pattern: /^\d{8}$/, message: 'A DNI has exactly 8 digits.' },
  CE: { pattern: /^[A-Za-z0-9]{4,12}$/, message: 'A CE has 4 to 12 letters or digits.' },
  RUC: {
    pattern: /^(10|15|16|17|20)\d{9}$/,
    message: 'A RUC has 11 digits and starts 10, 15, 16, 17 or 20.',
  },
  PAS: { pattern: /^[A-Za-z0-9]{5,14}$/, message: 'Not a valid PAS number.' },
  LMI: { pattern: /^\d{8}$/, message: 'A LMI has exactly 8 digits.' },
  PAR: { pattern: /^[A-Za-z0-9]{5,14}$/, message: 'Not a valid PAR number.' },
  NAN: { pattern: /^[A-Za-z0-9]{4,14}$/, message: 'Not a valid NAN number.' },
};

/** SUNAT's check digit: weights 5,4,3,2,7,6,5,4,3,2 over the first ten digits, 11 − sum mod 11 (10→0, 11→1). */
export function rucCheckDigitOk(ruc: string): boolean {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(ruc[index]), 0);
  return (11 - (sum % 11)) % 10 === Number(ruc[10]);
}

/** Why `number` is not a valid document of `type`, or undefined when it is. */
export function documentNumberProblem(type: DocumentType, number: string): string | undefined {
  const rule = RULES[type];
  if (!rule.pattern.test(number)) return rule.message;
  if (type === 'RUC' && !rucCheckDigitOk(number)) return 'The RUC check digit does not match: re-read it.';
  return undefined;
}
