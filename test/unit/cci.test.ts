import { describe, expect, it } from 'vitest';
import { cciProblem, maskCci } from '#ledger/cci';

describe('CCI', () => {
  it('accepts the worked example', () => {
    expect(cciProblem('00219300153895206813')).toBeUndefined();
  });

  it.each([
    ['a wrong first check digit', '00219300153895206803'],
    ['a wrong second check digit', '00219300153895206812'],
    ['a changed account digit', '00219300153895206913'],
    ['19 digits', '0021930015389520681'],
    ['letters', '0021930015389520681A'],
  ])('refuses %s', (_what, cci) => {
    expect(cciProblem(cci)).toBeDefined();
  });

  it('masks all but the last four digits', () => {
    expect(maskCci('00219300153895206813')).toBe('****************6813');
  });
});
