import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { settlementReportCsv, syntheticPaidOrder, writeOrders } from '../test/support/synthetic-orders';
import { fmt } from './stats';

/** Orders written for the lines the bench applies (the rest are validated, not applied). */
const WRITTEN = 3_000;
const APPLY_SECONDS = Number(process.env.BENCH_APPLY_SECONDS ?? 20);
/** The child's V8 heap cap, if any (BENCH_CHILD_HEAP_MB): what a small function would be given. */
const HEAP_MB = process.env.BENCH_CHILD_HEAP_MB;

/**
 * The largest reports the API takes (~4 MB CSV; an .xlsx of the same lines), each imported in a
 * child process so that its peak RSS is the import's alone (decision 73: the goal is ≤ 256 MB for
 * any file within the limits). The child validates every line, then applies lines for 20 s and
 * pauses as a request near its deadline would: lines/s for both passes, and the peak.
 */
export async function benchSettlementImport(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-settlement-import-'));
  console.log(
    `\n## Settlement import of the largest reports (child process per import${HEAP_MB ? `, --max-old-space-size=${HEAP_MB}` : ''})\n`,
  );
  console.log(
    '| format | lines | file MB | validate s | validated lines/s | applied lines | applied lines/s | RSS before MB | peak RSS MB | peak heap MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  try {
    const base = 40_000_000 + Math.floor(Math.random() * 9_000) * 1_000;
    const all = Array.from({ length: 33_500 }, (_, i) =>
      syntheticPaidOrder(i, base, `bench-import-${i % 500}`),
    );
    const csvPath = join(folder, 'report.csv');
    writeFileSync(csvPath, settlementReportCsv(all));
    const xlsxPath = join(folder, 'report.xlsx');
    const xlsxOrders = Array.from({ length: 100_000 }, (_, i) =>
      syntheticPaidOrder(i, base + 100_000, `bench-import-${i % 500}`),
    );
    await writeXlsx(xlsxPath, settlementReportCsv(xlsxOrders));
    await writeOrders([...all.slice(0, WRITTEN), ...xlsxOrders.slice(0, WRITTEN)]);
    for (const [format, path] of [
      ['csv', csvPath],
      ['xlsx', xlsxPath],
    ] as const) {
      const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          // The cap must reach the child: the heap it bounds is the child's.
          ...(HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : []),
          '--import',
          'tsx',
          join(import.meta.dirname, 'settlement-import-child.ts'),
          path,
          format,
          String(APPLY_SECONDS),
          sha256,
        ],
        { env: process.env, maxBuffer: 1 << 20, timeout: 600_000 },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        lines: number;
        validateSeconds: number;
        applied: number;
        applySeconds: number;
        baselineRss: number;
        peakRss: number;
        peakHeap: number;
      };
      console.log(
        `| ${format} | ${result.lines} | ${fmt(statSync(path).size / 1e6, 2)} | ${fmt(result.validateSeconds, 1)} | ${fmt(result.lines / result.validateSeconds)} | ${result.applied} | ${fmt(result.applied / result.applySeconds)} | ${fmt(result.baselineRss / 1e6)} | ${fmt(result.peakRss / 1e6)} | ${fmt(result.peakHeap / 1e6)} |`,
      );
    }
    console.log(
      '\nValidating reads every line twice over (the bytes against the line limits, then parsed and checked); applying is DynamoDB-bound (the reconciliation table above). The .xlsx is checked whole (zip directory, every entry inflated and counted) before exceljs streams it.',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The CSV's rows as an .xlsx written as Excel does (shared strings), streamed to disk. */
async function writeXlsx(path: string, csv: string) {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: createWriteStream(path),
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('Liquidación');
  for (const line of csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n'))
    sheet.addRow(line.split(';')).commit();
  sheet.commit();
  await workbook.commit();
}
