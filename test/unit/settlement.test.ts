import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, type Anomaly } from '#model/anomaly';
import { settlementEntry } from '#model/journal';
import type { Order } from '#model/order';
import {
  ANOMALY_FOR,
  classifyLine,
  expectedAmounts,
  holdsLineCash,
  LINE_OUTCOMES,
  type ReportLine,
  sellersHoldCash,
  settlementIdFor,
  suspenseAnomalyIdsFor,
} from '#model/settlement';
import { contractedFees, DEFAULT_SETTLEMENT_CONFIG, settlementConfigSchema } from '#model/settlement-config';
import { neutraliseFormula } from '#platform/csv';
import { type ReadLine, readReport, UnreadableReportError } from '#settlements/report';

const HEADER =
  'CIP;Nro. Operación;Cód. Transacción;Moneda;Monto;Comisión;IGV;Neto;Fecha Pago;Fecha Liquidación;Canal';
const LINE = '2500123;901234;ord_1;PEN;150.00;3.50;0.63;145.87;27/11/2026 10:32:00;03/12/2026;Agente BCP';

/** The report's line of LINE, as read: a payment of S/ 150.00 settled on 3 Dec. */
const SETTLED_LINE: ReportLine = {
  line: 2,
  cip: '2500123',
  operationNumber: '901234',
  currency: 'PEN',
  gross: 15000,
  commission: 350,
  tax: 63,
  net: 14587,
  paidAt: '2026-11-27T15:32:00.000Z',
  settledOn: '2026-12-03',
};

async function read(text: string, config = DEFAULT_SETTLEMENT_CONFIG): Promise<ReadLine[]> {
  const lines: ReadLine[] = [];
  for await (const line of readReport(Readable.from([Buffer.from(text)]), 'csv', config)) lines.push(line);
  return lines;
}

describe('the settlement report reader', () => {
  /** Our own lines: 1,200 rows hold ~4,800 shared strings (more than one compact piece of 4,096), typed cells, rich text. */
  async function workbook(rows: number): Promise<Buffer> {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Liquidación');
    sheet.addRow(HEADER.split(';'));
    for (let i = 0; i < rows; i++) {
      const row = sheet.addRow([
        String(2_500_000 + i),
        String(900_000 + i),
        { richText: [{ text: 'ord_' }, { font: { bold: true }, text: String(i) }] },
        'PEN',
        150,
        3.5,
        0.63,
        145.87,
        new Date(Date.UTC(2026, 10, 27, 10, 32, i % 60)),
        new Date(Date.UTC(2026, 11, 3)),
        `Agente ${i}`,
      ]);
      row.getCell(9).numFmt = 'dd/mm/yyyy hh:mm:ss';
      row.getCell(10).numFmt = 'dd/mm/yyyy';
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  it('reads an .xlsx: shared strings (rich text too), numbers, dates by their number format', async () => {
    const lines: ReadLine[] = [];
    for await (const line of readReport(
      Readable.from([await workbook(1_200)]),
      'xlsx',
      DEFAULT_SETTLEMENT_CONFIG,
    ))
      lines.push(line);
    expect(lines).toHaveLength(1_200);
    expect(lines[1_111]).toEqual({
      line: {
        line: 1_113,
        cip: '2501111',
        operationNumber: '901111',
        transactionCode: 'ord_1111',
        currency: 'PEN',
        gross: 15_000,
        commission: 350,
        tax: 63,
        net: 14_587,
        paidAt: '2026-11-27T15:32:31.000Z',
        settledOn: '2026-12-03',
        channel: 'Agente 1111',
      },
    });
  }, 30_000);

  it('leaves no temporary file behind after reading an .xlsx (Lambda keeps /tmp between invocations)', async () => {
    // Excel (and exceljs) write the sheet before the shared strings; exceljs spooled such a sheet
    // to a temporary file, and a reader that stopped after the first sheet never deleted it.
    const mine = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`tmp-${process.pid}-`)).length;
    const before = mine();
    for await (const _line of readReport(
      Readable.from([await workbook(50)]),
      'xlsx',
      DEFAULT_SETTLEMENT_CONFIG,
    ));
    expect(mine()).toBe(before);
  });

  it('reads the assumed layout: BOM, `;`, Lima times, 2-decimal amounts to minor units', async () => {
    expect(await read(`\uFEFF${HEADER}\r\n${LINE}\r\n`)).toEqual([
      {
        line: { ...SETTLED_LINE, transactionCode: 'ord_1', channel: 'Agente BCP' },
      },
    ]);
  });

  it('ends a record at every line ending, whichever the header used (CRLF header, LF rows)', async () => {
    const second = LINE.replace('2500123;901234;ord_1', '2500124;901235;ord_2');
    const third = LINE.replace('2500123;901234;ord_1', '2500125;901236;ord_3');
    const lines = await read(`\uFEFF${HEADER}\r\n${LINE}\n${second}\n${third}\n`);
    expect(
      lines.map((each) => ('problems' in each ? each : [each.line.line, each.line.cip, each.line.channel])),
    ).toEqual([
      [2, '2500123', 'Agente BCP'],
      [3, '2500124', 'Agente BCP'],
      [4, '2500125', 'Agente BCP'],
    ]);
  });

  it('reads `,` separated files and headers without accents, and a mapped header without code', async () => {
    const comma = `${HEADER.replaceAll(';', ',').replace('Operación', 'Operacion')}\n${LINE.replaceAll(';', ',')}\n`;
    expect((await read(comma))[0]).toMatchObject({ line: { cip: '2500123', gross: 15000 } });
    const config = settlementConfigSchema().parse({ columns: { cip: 'Codigo CIP' } });
    expect((await read(`${HEADER.replace('CIP', 'Código CIP')}\n${LINE}\n`, config))[0]).toMatchObject({
      line: { cip: '2500123' },
    });
  });

  it('names line and column of every bad cell, and refuses a file without the columns', async () => {
    const bad = '0099;x;;pen;150,00;3.5;0.63;1;31/02/2026 10:00:00;2026-12-03;';
    const [line] = await read(`${HEADER}\n${bad}\n`);
    expect(line).toEqual({
      line: 2,
      problems: [
        { line: 2, column: 'Nro. Operación', message: expect.any(String) },
        { line: 2, column: 'Moneda', message: expect.any(String) },
        { line: 2, column: 'Monto', message: expect.any(String) },
        { line: 2, column: 'Fecha Pago', message: expect.any(String) },
        { line: 2, column: 'Fecha Liquidación', message: expect.any(String) },
      ],
    });
    await expect(read('CIP;Monto\n1;1.00\n')).rejects.toBeInstanceOf(UnreadableReportError);
    await expect(read(`${HEADER}\n"unterminated;1\n`)).rejects.toBeInstanceOf(UnreadableReportError);
  });
});

describe('the contract and the classification', () => {
  it('computes the contracted commission and IGV in integers (2 % + S/ 0.50, 18 %)', () => {
    expect(contractedFees(15000, 'PEN', DEFAULT_SETTLEMENT_CONFIG.commission)).toEqual({
      commission: 350,
      tax: 63,
    });
    expect(contractedFees(1, 'USD', DEFAULT_SETTLEMENT_CONFIG.commission)).toEqual({
      commission: 15,
      tax: 3,
    });
  });

  const order = {
    id: 'ord_1',
    amount: 15000,
    currency: 'PEN',
    voucher: { cip: '2500123' },
    status: 'PAID',
    payment: { operationNumber: '901234' },
    history: [{ to: 'PAID' }],
  } as unknown as Order;
  const line = SETTLED_LINE;
  const classify = (o: Order | undefined, l = line) =>
    classifyLine(l, o, 'stl_x', DEFAULT_SETTLEMENT_CONFIG) as { kind: string; outcome?: string };

  it('sorts a line into its class', () => {
    expect(classify(order)).toMatchObject({ kind: 'settles', outcome: 'matched' });
    expect(classify(undefined)).toMatchObject({ outcome: 'unknown_payment' });
    expect(classify(order, { ...line, gross: 14000 })).toMatchObject({ outcome: 'amount_mismatch' });
    expect(classify(order, { ...line, currency: 'USD' })).toMatchObject({ outcome: 'currency_mismatch' });
    expect(classify(order, { ...line, commission: 400, net: 14537 })).toMatchObject({
      outcome: 'commission_mismatch',
    });
    expect(classify(order, { ...line, commission: 351, net: 14586 })).toMatchObject({ outcome: 'matched' });
    expect(classify({ ...order, refundReserved: 100 })).toMatchObject({
      outcome: 'refunded_before_settlement',
    });
    expect(classify({ ...order, payment: undefined } as Order)).toEqual({ kind: 'apply_payment' });
    const settled = { ...order, settlement: { id: 'stl_x', line: 2 } } as Order;
    expect(classify(settled)).toEqual({ kind: 'done_before' });
    expect(classify(settled, { ...line, line: 3 })).toMatchObject({ outcome: 'duplicate_line' });
    expect(classify({ ...order, settlement: { id: 'stl_y', line: 2 } } as Order)).toMatchObject({
      outcome: 'duplicate_line',
    });
  });

  // What the contract says S/ 150.00 settles as: 2 % + S/ 0.50 commission, 18 % IGV on it, the rest net.
  const expected = { gross: 15000, commission: 350, tax: 63, net: 14587 };
  const classifyFully = (o: Order | undefined, l = line, config = DEFAULT_SETTLEMENT_CONFIG) =>
    classifyLine(l, o, 'stl_x', config);

  it('expects the gross less the contracted commission and IGV as the net', () => {
    expect(expectedAmounts(15000, 'PEN', DEFAULT_SETTLEMENT_CONFIG.commission)).toEqual(expected);
    expect(expectedAmounts(1000, 'USD', DEFAULT_SETTLEMENT_CONFIG.commission)).toEqual({
      gross: 1000,
      commission: 35,
      tax: 6,
      net: 959,
    });
  });

  it('says why a line is not ours: no order, or an order with another CIP', () => {
    expect(classifyFully(undefined)).toEqual({
      kind: 'flag',
      outcome: 'unknown_payment',
      detail: 'No order of ours has CIP 2500123 (another integration on the same PagoEfectivo service?).',
    });
    expect(classifyFully(order, { ...line, cip: '2500999' })).toEqual({
      kind: 'flag',
      outcome: 'unknown_payment',
      detail: 'No order of ours has CIP 2500999 (another integration on the same PagoEfectivo service?).',
    });
  });

  it('names the line or the settlement that already settled the payment', () => {
    const settledHere = { ...order, settlement: { id: 'stl_x', line: 2, settledOn: '2026-12-03' } } as Order;
    expect(classifyFully(settledHere, { ...line, line: 3 })).toEqual({
      kind: 'flag',
      outcome: 'duplicate_line',
      detail: 'Line 2 of this report already settled this payment.',
    });
    const settledBefore = {
      ...order,
      settlement: { id: 'stl_y', line: 3, settledOn: '2026-12-01' },
    } as Order;
    expect(classifyFully(settledBefore, { ...line, line: 3 })).toEqual({
      kind: 'flag',
      outcome: 'duplicate_line',
      detail: 'Settlement stl_y (line 3, 2026-12-01) already settled this payment.',
    });
  });

  it('flags a currency or amount that is not the order’s, with what was expected', () => {
    expect(classifyFully(order, { ...line, currency: 'USD' })).toEqual({
      kind: 'flag',
      outcome: 'currency_mismatch',
      detail: 'Settled in USD; the order is in PEN.',
      expected,
    });
    expect(classifyFully(order, { ...line, gross: 14000 })).toEqual({
      kind: 'flag',
      outcome: 'amount_mismatch',
      detail: 'Settled 14000; the order is for 15000.',
      expected,
    });
  });

  it('flags a second payment of the CIP (another operation than the one applied)', () => {
    expect(classifyFully(order, { ...line, operationNumber: '901999' })).toEqual({
      kind: 'flag',
      outcome: 'unknown_payment',
      detail:
        'Operation 901999 is not the payment applied to order ord_1 (operation 901234): a second payment of the CIP, held as an anomaly until refunded.',
      expected,
    });
    // Also once the first payment was settled, by this report or an earlier one: another payment,
    // not a duplicate line (outside tester 4: booked nothing when the reports came apart).
    const settledBefore = {
      ...order,
      settlement: { id: 'stl_y', line: 3, settledOn: '2026-12-01' },
    } as Order;
    expect(classifyFully(settledBefore, { ...line, line: 2, operationNumber: '901999' })).toMatchObject({
      kind: 'flag',
      outcome: 'unknown_payment',
    });
    // A payment applied without an operation number (a provider that gives none) settles by its CIP.
    const withoutOperation = { ...order, payment: { operationNumber: null } } as unknown as Order;
    expect(classifyFully(withoutOperation, { ...line, operationNumber: '901999' })).toMatchObject({
      outcome: 'matched',
    });
  });

  it('matches commission and IGV within the tolerance either way, and settles a mismatch beyond it', () => {
    for (const [commission, tax] of [
      [349, 63],
      [351, 63],
      [350, 62],
      [350, 64],
    ] as const) {
      expect(classifyFully(order, { ...line, commission, tax }), `${commission} + ${tax}`).toEqual({
        kind: 'settles',
        outcome: 'matched',
        detail: 'Matched.',
        expected,
      });
    }
    for (const [commission, tax] of [
      [348, 63],
      [352, 63],
      [350, 61],
      [350, 65],
    ] as const) {
      expect(classifyFully(order, { ...line, commission, tax }), `${commission} + ${tax}`).toEqual({
        kind: 'settles',
        outcome: 'commission_mismatch',
        detail: `PagoEfectivo kept ${commission} + ${tax} IGV; the contract says 350 + 63.`,
        expected,
      });
    }
    const exact = settlementConfigSchema().parse({ commission: { toleranceMinor: 0 } });
    expect(classifyFully(order, { ...line, commission: 351 }, exact)).toMatchObject({
      outcome: 'commission_mismatch',
    });
  });

  it('settles a payment refunded (in part) before, saying how much was requested and paid out', () => {
    const remaining = "the sellers' remaining shares become available.";
    expect(classifyFully({ ...order, refundReserved: 100 })).toEqual({
      kind: 'settles',
      outcome: 'refunded_before_settlement',
      detail: `Settled after refunds of 100 were requested (0 paid out); ${remaining}`,
      expected,
    });
    expect(classifyFully({ ...order, refundedAmount: 100 })).toEqual({
      kind: 'settles',
      outcome: 'refunded_before_settlement',
      detail: `Settled after refunds of 0 were requested (100 paid out); ${remaining}`,
      expected,
    });
    expect(classifyFully({ ...order, status: 'REFUNDED' })).toMatchObject({
      outcome: 'refunded_before_settlement',
    });
    expect(classifyFully({ ...order, refundReserved: 0, refundedAmount: 0 })).toMatchObject({
      outcome: 'matched',
    });
  });

  it('gives every outcome but matched and invalid_line an anomaly type of its own', () => {
    const flagged = LINE_OUTCOMES.filter((outcome) => outcome !== 'matched' && outcome !== 'invalid_line');
    for (const outcome of flagged) expect(ANOMALY_TYPES, outcome).toContain(ANOMALY_FOR[outcome]);
    expect(new Set(flagged.map((outcome) => ANOMALY_FOR[outcome])).size).toBe(flagged.length);
    expect(Object.keys(ANOMALY_FOR).sort()).toEqual([...flagged].sort());
  });

  it('names a settlement after its report’s content, and knows whose cash the sellers hold', () => {
    expect(settlementIdFor('0123456789abcdef'.repeat(4))).toBe('stl_0123456789abcdef0123456789abcdef');
    const history = (...to: string[]) =>
      ({ ...order, history: to.map((status) => ({ to: status })) }) as Order;
    expect(sellersHoldCash(history('PAID'))).toBe(true);
    expect(sellersHoldCash(history('EXPIRED', 'PAID_LATE', 'PAID', 'REFUNDED'))).toBe(true);
    expect(sellersHoldCash(history('EXPIRED', 'PAID_LATE', 'REFUNDED'))).toBe(false);
  });

  it('books a settlement that balances: bank net + PSP fees = the receivable', () => {
    const entry = settlementEntry(
      {
        settlementId: 'stl_x',
        cip: '1',
        operationNumber: '2',
        orderId: 'ord_1',
        currency: 'PEN',
        gross: 15000,
        commission: 350,
        tax: 63,
        net: 14587,
        released: { a: 9000, b: 0 },
      },
      '2026-12-03T00:00:00.000Z',
    );
    expect(entry.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(0);
    expect(entry.sellerMoves).toEqual({ a: { pending: -9000, available: 9000 } });
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    expect(neutraliseFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(['+1', '-1', '@SUM', '\tx'].map(neutraliseFormula).every((cell) => cell.startsWith("'"))).toBe(
      true,
    );
    expect(neutraliseFormula('Agente BCP')).toBe('Agente BCP');
  });
});

describe('an unreadable CSV', () => {
  it('is refused as unreadable, whatever csv-parse says (a quote in a field: found by the fuzzer)', async () => {
    await expect(read(`${HEADER}\n[{"a": "b"}]\n`)).rejects.toBeInstanceOf(UnreadableReportError);
    await expect(read('["x"]\n1;2\n')).rejects.toBeInstanceOf(UnreadableReportError);
  });
});

describe('cash held in suspense, as a report line settles it', () => {
  const line = SETTLED_LINE;
  const held = (overrides: Partial<Anomaly>): Anomaly => ({
    id: 'amount_mismatch:2500123:901234',
    type: 'amount_mismatch',
    detectedAt: '2026-11-27T15:33:00.000Z',
    detail: 'Paid 15000; the order is for 20000.',
    cip: '2500123',
    operationNumber: '901234',
    amount: 15000,
    currency: 'PEN',
    source: 'webhook',
    ...overrides,
  });

  it('looks for every anomaly that books a payment into suspense, by operation and as polled, never the others', () => {
    const ids = suspenseAnomalyIdsFor(line);
    expect(ids).toEqual(
      expect.arrayContaining([
        'unknown_cip:2500123:901234',
        'unknown_cip:2500123:polled',
        'orphan_voucher_paid:2500123:901234',
        'amount_mismatch:2500123:polled',
        'currency_mismatch:2500123:901234',
        'duplicate_payment:2500123:901234',
        'double_payment:2500123',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    // No money is assumed for an implausible date; another provider's cash is not PagoEfectivo's to settle.
    expect(
      ids.some((id) => id.startsWith('implausible_payment_date') || id.startsWith('provider_mismatch')),
    ).toBe(false);
  });

  it('takes the held cash as this line only for the same operation, amount and currency', () => {
    expect(holdsLineCash(held({}), line)).toBe(true);
    // Seen only by polling: no operation number, the same CIP's one payment.
    expect(holdsLineCash(held({ operationNumber: undefined }), line)).toBe(true);
    expect(holdsLineCash(held({ operationNumber: '901235' }), line)).toBe(false);
    // The report and the notification disagree: a person decides, nothing is booked.
    expect(holdsLineCash(held({ amount: 20000 }), line)).toBe(false);
    expect(holdsLineCash(held({ currency: 'USD' }), line)).toBe(false);
  });

  it('books its arrival under the anomaly, with no order and no seller moves when none had it', () => {
    const entry = settlementEntry(
      { settlementId: 'stl_1', ...line, anomalyId: 'unknown_cip:2500123:901234', released: {} },
      '2026-12-03T12:00:00.000Z',
    );
    expect(entry).toMatchObject({ id: 'settlement:2500123:901234', anomalyId: 'unknown_cip:2500123:901234' });
    expect(entry.orderId).toBeUndefined();
    expect(entry.sellerMoves).toEqual({});
    expect(Object.fromEntries(entry.lines.map((each) => [each.account, each.amount]))).toEqual({
      bank: 14587,
      psp_fee_expense: 350,
      psp_fee_tax: 63,
      psp_receivable: -15000,
    });
  });
});
