/**
 * A spreadsheet opens a cell starting with `=`, `+`, `-`, `@` (or a tab/CR) as a formula: a value
 * we export (a report line, a holder name) could carry one into the finance team's Excel. Such
 * cells are prefixed with `'` (OWASP's CSV injection advice).
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Rows as CSV text (csv-stringify). The library is loaded with the first export, not at init: the
 * functions that export CSV (settlements, payouts) serve other routes too (decision 120).
 */
export async function csvText(rows: unknown[][]): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  return stringify(rows);
}
