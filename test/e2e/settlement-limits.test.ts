import { createHash } from 'node:crypto';
import { createDeflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { settlementIdFor } from '#model/settlement';
import { DEFAULT_SETTLEMENT_CONFIG } from '#model/settlement-config';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import { api, http, stack } from '../support/api';
import { xlsxEntries, zip } from '../support/zip';

/**
 * Hostile settlement reports (an outside drill's findings, decision 73): each is refused whole,
 * quickly, with a 422 naming the limit of `settlement.limits` it passed — no settlement is left
 * behind (so none stuck IMPORTING), and the stack still answers afterwards.
 */
const HEADER =
  'CIP;Nro. Operación;Cód. Transacción;Moneda;Monto;Comisión;IGV;Neto;Fecha Pago;Fecha Liquidación;Canal';
const LINE = (code: string) =>
  `2500123;900001;${code};PEN;200.00;4.50;0.81;194.69;24/11/2026 10:00:00;27/11/2026;Agente BCP`;
const limits = DEFAULT_SETTLEMENT_CONFIG.limits;

interface Problem {
  code: string;
  limit?: string;
  max?: number;
  line?: number;
  column?: string;
  detail: string;
}

async function refused(body: Buffer, type: string) {
  const started = Date.now();
  const result = await api<Problem>('POST', '/v1/settlements', {
    rawBody: body,
    headers: { 'content-type': type },
  });
  const elapsedMs = Date.now() - started;
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  // Nothing started: the same file finds no settlement (none IMPORTING, none at all).
  const id = settlementIdFor(createHash('sha256').update(body).digest('hex'));
  expect((await api('GET', `/v1/settlements/${id}`)).status).toBe(404);
  expect((await http('GET', `${stack().apiUrl}/health`, { auth: false })).status).toBe(200);
  return { status: result.status, problem: result.body, elapsedMs };
}

/** `size` bytes of spaces, deflated as a stream (a zip bomb's payload, never held unzipped). */
async function deflatedSpaces(size: number): Promise<{ deflated: Buffer; size: number }> {
  const deflate = createDeflateRaw({ level: 1 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const megabyte = Buffer.alloc(1 << 20, 0x20);
  for (let written = 0; written < size; written += megabyte.length) {
    const part = megabyte.subarray(0, Math.min(megabyte.length, size - written));
    if (!deflate.write(part)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { deflated: Buffer.concat(out), size };
}

describe('settlement report limits', () => {
  it('refuses 1,000,000 one-cell lines (2 MB) at once as too many lines', async () => {
    const body = Buffer.from(`${HEADER}\n${'1\n'.repeat(1_000_000)}`);
    const { status, problem, elapsedMs } = await refused(body, REPORT_MEDIA_TYPES.csv);
    expect(status).toBe(422);
    expect(problem).toMatchObject({
      code: 'report_too_many_lines',
      limit: 'settlement.limits.maxLines',
      max: limits.maxLines,
    });
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('refuses a 3.9 MB transaction-code cell as a line too long, and a 600-character one as a cell too long', async () => {
    const huge = Buffer.from(`${HEADER}\r\n${LINE(`ord_${'x'.repeat(3_900_000)}`)}\r\n`);
    const line = await refused(huge, REPORT_MEDIA_TYPES.csv);
    expect(line.status).toBe(422);
    expect(line.problem).toMatchObject({
      code: 'report_line_too_long',
      limit: 'settlement.limits.maxLineBytes',
      max: limits.maxLineBytes,
      line: 2,
    });
    expect(line.elapsedMs).toBeLessThan(5_000);

    const long = Buffer.from(`${HEADER}\r\n${LINE(`ord_${'x'.repeat(600)}`)}\r\n`);
    const cell = await refused(long, REPORT_MEDIA_TYPES.csv);
    expect(cell.status).toBe(422);
    expect(cell.problem).toMatchObject({
      code: 'report_cell_too_long',
      limit: 'settlement.limits.maxCellChars',
      line: 2,
      column: 'Cód. Transacción',
    });
  });

  it('reads the hand-made workbook the next tests twist (a header and no lines: 400, not a limit)', async () => {
    const body = zip(xlsxEntries([HEADER.split(';')]));
    const result = await api<{ errors: { message: string }[] }>('POST', '/v1/settlements', {
      rawBody: body,
      headers: { 'content-type': REPORT_MEDIA_TYPES.xlsx },
    });
    expect(result.status).toBe(400);
    expect(result.body.errors).toEqual([{ field: 'body', message: 'The report has a header but no lines.' }]);
  });

  it('refuses an .xlsx whose shared strings unzip to 50 MB before reading them', async () => {
    const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>${'A'.repeat(50_000_000)}</t></si></sst>`;
    const body = zip(xlsxEntries([['CIP']], { sharedStrings: sst }));
    expect(body.length).toBeLessThan(200_000);
    const { status, problem, elapsedMs } = await refused(body, REPORT_MEDIA_TYPES.xlsx);
    expect(status).toBe(422);
    expect(problem).toMatchObject({
      code: 'report_xlsx_shared_strings_too_large',
      limit: 'settlement.limits.xlsxMaxSharedStringsBytes',
      max: limits.xlsxMaxSharedStringsBytes,
    });
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('refuses zip bombs: a sheet declared past the unzipped limit, and one that lies about its size', async () => {
    const honest = zip(
      xlsxEntries([HEADER.split(';')], { sheet: await deflatedSpaces(limits.xlsxMaxUncompressedBytes + 1) }),
    );
    const big = await refused(honest, REPORT_MEDIA_TYPES.xlsx);
    expect(big.status).toBe(422);
    expect(big.problem).toMatchObject({
      code: 'report_xlsx_uncompressed_too_large',
      limit: 'settlement.limits.xlsxMaxUncompressedBytes',
    });
    expect(big.elapsedMs).toBeLessThan(5_000);

    // The directory says 1,000 bytes; the sheet inflates to 20 MB. Stopped at byte 1,001.
    const lying = zip(
      xlsxEntries([HEADER.split(';')], {
        sheet: await deflatedSpaces(20_000_000),
        sheetDeclaredSize: 1_000,
      }),
    );
    const liar = await refused(lying, REPORT_MEDIA_TYPES.xlsx);
    expect(liar.status).toBe(422);
    expect(liar.problem).toMatchObject({ code: 'report_xlsx_uncompressed_too_large' });
    expect(liar.problem.detail).toMatch(/declares/);
    expect(liar.elapsedMs).toBeLessThan(5_000);
  });
});
