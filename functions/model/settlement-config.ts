// zod/mini: the settlement functions load no other zod but the API's (decision 57).
import * as z from 'zod/mini';
import { DEFAULT_SETTLEMENT_CONFIG as STAGE_DEFAULT } from '#contract/stage-defaults';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { issuesText } from '#platform/zod-english';

/**
 * How a stage reads PagoEfectivo's settlement report and what its contract says. The layout is an
 * assumption (pagoefectivo-protocol.md §6: the real format is not public), so the header text of
 * every column comes from here: a real report maps without a code change. Given to the functions
 * as JSON in SETTLEMENT_CONFIG (lib/stage-config.ts sets it per stage); these are the defaults.
 * Built with the first read of the config (a report reconciled, an unsettled check), not as the
 * module loads: most of the settlements function's routes never read it (decision 120).
 */
export const settlementConfigSchema = /* @__PURE__ */ schemasOnFirstUse(() => {
  const header = (text: string) => z._default(z.string(), text);
  const percent = (fallback: number) => z._default(z.number().check(z.gte(0), z.lte(100)), fallback);
  const count = (fallback: number) => z._default(z.int().check(z.positive()), fallback);
  // Every default is a stage default (contract/stage-defaults.ts), which the CDK app reads too.
  const d = STAGE_DEFAULT;
  return z.object({
    /** Header text of each column; compared without case, accents or repeated spaces. */
    columns: z.prefault(
      z.object({
        cip: header(d.columns.cip),
        operationNumber: header(d.columns.operationNumber),
        transactionCode: header(d.columns.transactionCode),
        currency: header(d.columns.currency),
        gross: header(d.columns.gross),
        commission: header(d.columns.commission),
        tax: header(d.columns.tax),
        net: header(d.columns.net),
        paidAt: header(d.columns.paidAt),
        settledOn: header(d.columns.settledOn),
        channel: header(d.columns.channel),
      }),
      {},
    ),
    /** The contracted commission: `ratePercent` of the gross plus a fixed part per currency, then tax on it. */
    commission: z.prefault(
      z.object({
        ratePercent: percent(d.commission.ratePercent),
        fixedMinor: z._default(z.record(z.string(), z.int().check(z.gte(0))), d.commission.fixedMinor),
        taxPercent: percent(d.commission.taxPercent),
        /** Rounding in the PSP's favour or ours is not a dispute: differences up to this are matched. */
        toleranceMinor: z._default(z.int().check(z.gte(0)), d.commission.toleranceMinor),
      }),
      {},
    ),
    /** A payment not in any settlement this many days after it was paid is flagged (`unsettled_payment`). */
    unsettledAfterDays: z._default(z.number().check(z.positive()), d.unsettledAfterDays),
    /**
     * What a report may hold before it is refused whole (422 naming the limit), so that a hostile
     * or broken file costs bounded time and memory (decision 73). A real report is far inside them:
     * ~120 bytes a line, 11 columns, the longest cell an order id.
     */
    limits: z.prefault(
      z.object({
        /** Lines after the header (~33,000 fit the API's 4 MB; 100,000 reconcile in 3–6 min). */
        maxLines: count(d.limits.maxLines),
        /** Bytes of one line (a physical line, and a record with its quoted line breaks). */
        maxLineBytes: count(d.limits.maxLineBytes),
        /** Characters of one cell. */
        maxCellChars: count(d.limits.maxCellChars),
        /** An .xlsx is read whole before unzipping (its directory is at the end): its size at most. */
        xlsxMaxBytes: count(d.limits.xlsxMaxBytes),
        /** Sum of the workbook's entries unzipped, by the zip's own directory and checked while inflating. */
        xlsxMaxUncompressedBytes: count(d.limits.xlsxMaxUncompressedBytes),
        /** The shared strings part (held in memory while the sheet is read), unzipped. */
        xlsxMaxSharedStringsBytes: count(d.limits.xlsxMaxSharedStringsBytes),
        /** Entries of the zip (a workbook has about ten). */
        xlsxMaxEntries: count(d.limits.xlsxMaxEntries),
      }),
      {},
    ),
  });
});
export type SettlementConfig = z.infer<ReturnType<typeof settlementConfigSchema>>;
export type ReportColumn = keyof SettlementConfig['columns'];
export type ReportLimits = SettlementConfig['limits'];

/** The defaults, as a stage states them (the schema's output type, or this fails to compile). */
export const DEFAULT_SETTLEMENT_CONFIG: SettlementConfig = STAGE_DEFAULT;

/** Columns a line cannot be read without; `transactionCode` and `channel` may be absent. */
export const REQUIRED_COLUMNS: readonly ReportColumn[] = [
  'cip',
  'operationNumber',
  'currency',
  'gross',
  'commission',
  'tax',
  'net',
  'paidAt',
  'settledOn',
];

/** What the contract says PagoEfectivo may keep of a gross amount: commission and the tax on it. */
export function contractedFees(
  gross: number,
  currency: string,
  contract: SettlementConfig['commission'],
): { commission: number; tax: number } {
  // Integer arithmetic on basis points of a percent, rounded half up, so no float drift creeps in.
  const rate = Math.round(contract.ratePercent * 10_000);
  const commission = Math.floor((gross * rate + 500_000) / 1_000_000) + (contract.fixedMinor[currency] ?? 0);
  const taxRate = Math.round(contract.taxPercent * 10_000);
  const tax = Math.floor((commission * taxRate + 500_000) / 1_000_000);
  return { commission, tax };
}

let cached: { source: string | undefined; parsed: SettlementConfig } | undefined;

/** The stage's settlement config (SETTLEMENT_CONFIG), defaults filled in; a bad one fails loudly. */
export function settlementConfig(): SettlementConfig {
  const source = config().SETTLEMENT_CONFIG;
  if (cached === undefined || cached.source !== source) {
    const parsed = settlementConfigSchema().safeParse(source === undefined ? {} : JSON.parse(source));
    if (!parsed.success) throw new Error(`Invalid SETTLEMENT_CONFIG: ${issuesText(parsed.error)}`);
    cached = { source, parsed: parsed.data };
  }
  return cached.parsed;
}
