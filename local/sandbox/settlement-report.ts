import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import { decimalToMinor, minorToDecimal } from '#model/money';
import { DEFAULT_SETTLEMENT_CONFIG } from '#model/settlement-config';
import { parsePspDate } from '#psp/pagoefectivo/lima-time';
import type { SandboxCip, SandboxState } from './state';

/**
 * The sandbox's settlement report (`POST /_sandbox/settlements`): the CIPs paid and not yet
 * settled, in the layout pagoefectivo-protocol.md §6 assumes, with faults to rehearse every
 * reconciliation outcome. PagoEfectivo sends such reports by its own channel; this stands in.
 */
export const SettlementRequestSchema = z.strictObject({
  settledOn: z.iso.date(),
  format: z.enum(['csv', 'xlsx']).default('csv'),
  delimiter: z.enum([';', ',']).default(';'),
  /** Only these CIPs (tests sharing one sandbox each settle their own); default: every one due. */
  only: z.array(z.string()).optional(),
  faults: z
    .strictObject({
      /** Left out of this report (they stay unsettled). */
      omit: z.array(z.string()).default([]),
      /** Reported with another gross amount (a decimal). */
      amount: z.record(z.string(), z.string().regex(/^\d+(\.\d{1,2})?$/)).default({}),
      /** Reported in another currency. */
      currency: z.record(z.string(), z.string().regex(/^[A-Z]{3}$/)).default({}),
      /** Lines for CIPs the merchant does not know (another integration on the same service). */
      unknown: z.number().int().min(0).max(1000).default(0),
      /** Listed twice. */
      duplicate: z.array(z.string()).default([]),
      /** Commission percent other than the contract's (e.g. 3.5), for every line… */
      commissionRate: z.number().min(0).max(100).optional(),
      /** …or for these CIPs only. */
      commission: z.record(z.string(), z.number().min(0).max(100)).default({}),
      /** Listed again although an earlier sandbox report settled them. */
      resettle: z.array(z.string()).default([]),
    })
    .prefault({}),
});
export type SettlementRequest = z.infer<typeof SettlementRequestSchema>;

const HEADER = (() => {
  const c = DEFAULT_SETTLEMENT_CONFIG.columns;
  return [
    c.cip,
    c.operationNumber,
    c.transactionCode,
    c.currency,
    c.gross,
    c.commission,
    c.tax,
    c.net,
    c.paidAt,
    c.settledOn,
    c.channel,
  ];
})();

const CHANNELS = ['Agente BCP', 'BBVA Banca por Internet', 'Interbank Agente', 'Yape', 'Bodega KasNet'];

function limaText(iso: string | undefined, withTime: boolean): string {
  const date = parsePspDate(iso) ?? new Date();
  const lima = new Date(date.getTime() - 5 * 3600_000).toISOString();
  const text = `${lima.slice(8, 10)}/${lima.slice(5, 7)}/${lima.slice(0, 4)}`;
  return withTime ? `${text} ${lima.slice(11, 19)}` : text;
}

function fees(grossMinor: number, currency: string, ratePercent: number) {
  const contract = DEFAULT_SETTLEMENT_CONFIG.commission;
  const rate = Math.round(ratePercent * 10_000);
  const commission =
    Math.floor((grossMinor * rate + 500_000) / 1_000_000) + (contract.fixedMinor[currency] ?? 0);
  const tax = Math.floor((commission * Math.round(contract.taxPercent * 10_000) + 500_000) / 1_000_000);
  return { commission, tax };
}

export function settlementRows(state: SandboxState, request: SettlementRequest): string[][] {
  const { faults } = request;
  const settledOnText = `${request.settledOn.slice(8, 10)}/${request.settledOn.slice(5, 7)}/${request.settledOn.slice(0, 4)}`;
  const rate = faults.commissionRate ?? DEFAULT_SETTLEMENT_CONFIG.commission.ratePercent;
  const row = (cip: SandboxCip, index: number): string[] => {
    const currency = faults.currency[cip.cip] ?? cip.currency;
    const gross = decimalToMinor(faults.amount[cip.cip] ?? cip.amount);
    const { commission, tax } = fees(gross, currency, faults.commission[cip.cip] ?? rate);
    return [
      cip.cip,
      cip.operationNumber ?? '',
      cip.transactionCode,
      currency,
      minorToDecimal(gross),
      minorToDecimal(commission),
      minorToDecimal(tax),
      minorToDecimal(gross - commission - tax),
      limaText(cip.datePayment, true),
      settledOnText,
      CHANNELS[index % CHANNELS.length] as string,
    ];
  };
  const listed = [...state.cips.values()].filter(
    (cip) =>
      cip.status === 'paid' &&
      (cip.settledOn === undefined || faults.resettle.includes(cip.cip)) &&
      !faults.omit.includes(cip.cip) &&
      (request.only === undefined || request.only.includes(cip.cip)),
  );
  const rows: string[][] = [HEADER];
  listed.forEach((cip, index) => {
    rows.push(row(cip, index));
    if (faults.duplicate.includes(cip.cip)) rows.push(row(cip, index));
    cip.settledOn ??= request.settledOn;
  });
  for (let i = 0; i < faults.unknown; i++) {
    const gross = 5_000 + i * 100;
    const { commission, tax } = fees(gross, 'PEN', rate);
    rows.push([
      String(9_100_000 + state.nextCip + i),
      String(990_000 + i),
      '',
      'PEN',
      minorToDecimal(gross),
      minorToDecimal(commission),
      minorToDecimal(tax),
      minorToDecimal(gross - commission - tax),
      limaText(undefined, true),
      settledOnText,
      'Agente BCP',
    ]);
  }
  state.save();
  return rows;
}

export function settlementCsv(rows: string[][], delimiter: ';' | ','): Buffer {
  // With a BOM, as Excel-minded systems write UTF-8 CSV.
  return Buffer.concat([
    Buffer.from('\uFEFF'),
    Buffer.from(stringify(rows, { delimiter, record_delimiter: 'windows' })),
  ]);
}

export async function settlementXlsx(rows: string[][]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Liquidación');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
