import { describe, expect, it } from 'vitest';
import { cciProblem, maskCci } from '#model/cci';

describe('CCI', () => {
  it('accepts the worked example', () => {
    expect(cciProblem('00219300153895206813')).toBeUndefined();
  });

  it.each([
    ['a wrong first check digit', '00219300153895206803'],
    ['a wrong second check digit', '00219300153895206812'],
    ['a changed account digit', '00219300153895206913'],
  ])('refuses %s, saying the check digits do not match', (_what, cci) => {
    expect(cciProblem(cci)).toBe('The check digits do not match: re-read the CCI.');
  });

  it.each([
    ['19 digits', '0021930015389520681'],
    // A valid CCI with a digit more, at either end: the length is checked for the whole string.
    ['21 digits (one appended)', '002193001538952068130'],
    ['21 digits (one prepended)', '100219300153895206813'],
    ['letters', '0021930015389520681A'],
    ['a trailing newline', '00219300153895206813\n'],
    ['nothing', ''],
  ])('refuses %s, saying a CCI has 20 digits', (_what, cci) => {
    expect(cciProblem(cci)).toBe('A CCI has exactly 20 digits.');
  });

  it('masks all but the last four digits', () => {
    expect(maskCci('00219300153895206813')).toBe('****************6813');
    expect(maskCci('123')).toBe('123');
  });
});
