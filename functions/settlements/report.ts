import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { decimalToMinor } from '#model/money';
import type { ReportLine } from '#model/settlement';
import {
  REQUIRED_COLUMNS,
  type ReportColumn,
  type ReportLimits,
  type SettlementConfig,
} from '#model/settlement-config';
import { type LineProblem, ReportLimitError, UnreadableReportError } from './report-errors';
import { checkedWorkbook } from './xlsx-guard';

export type ReadLine = { line: ReportLine } | { line: number; problems: LineProblem[] };

export type ReportFormat = 'csv' | 'xlsx';

export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export {
  type LineProblem,
  type ReportLimitCode,
  ReportLimitError,
  UnreadableReportError,
} from './report-errors';

/** Header text as compared: no case, no accents, no repeated or surrounding spaces. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Digits as PagoEfectivo writes them, sometimes zero-padded: compared without the padding. */
const digits = (value: string) => (/^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : undefined);

const LIMA_DATE_TIME = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** `27/11/2026 10:32:00` (Lima, UTC−5 all year) → the instant; `dd/mm/yyyy` alone is midnight. */
function limaDateTime(text: string): Date | undefined {
  const match = LIMA_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, day, month, year, hour = '00', minute = '00', second = '00'] = match;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}-05:00`;
  const date = new Date(iso);
  // Date accepts 31/02 by rolling over; a real calendar date reads back the same.
  if (Number.isNaN(date.getTime())) return undefined;
  const back = new Date(date.getTime() - 5 * 3600_000).toISOString();
  return back.startsWith(`${year}-${month}-${day}`) ? date : undefined;
}

/**
 * Maps the header row to column positions by the stage's column names. Every required column must
 * be there (once); unknown columns are ignored, so a report with extra columns still reads.
 */
function columnPositions(header: readonly string[], config: SettlementConfig): Map<ReportColumn, number> {
  const wanted = Object.entries(config.columns) as [ReportColumn, string][];
  const positions = new Map<ReportColumn, number>();
  const seen = header.map(normaliseHeader);
  for (const [column, title] of wanted) {
    const index = seen.indexOf(normaliseHeader(title));
    if (index >= 0) positions.set(column, index);
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const names = missing.map((column) => `"${config.columns[column]}"`).join(', ');
    throw new UnreadableReportError(`The header row lacks ${names}.`, {
      line: 1,
      column: config.columns[missing[0] as ReportColumn],
      message: `Missing column(s) ${names}; the stage maps them from SETTLEMENT_CONFIG.columns.`,
    });
  }
  return positions;
}

const DECIMAL_AMOUNT = /^\d+(?:\.\d{1,2})?$/;

/** Validates one record (cells as text) into a line, or says which cells are wrong and why. */
export function readRecord(
  cells: readonly string[],
  lineNumber: number,
  positions: Map<ReportColumn, number>,
  config: SettlementConfig,
): ReadLine {
  const problems: LineProblem[] = [];
  const cell = (column: ReportColumn) => {
    const index = positions.get(column);
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  const fail = (column: ReportColumn, message: string) => {
    problems.push({ line: lineNumber, column: config.columns[column], message });
    return undefined;
  };
  const digitsOf = (column: ReportColumn) =>
    digits(cell(column)) ??
    fail(column, `Expected digits, got ${JSON.stringify(cell(column).slice(0, 40))}.`);
  const amount = (column: ReportColumn) => {
    // Tested before parsing: a bad cell must not cost an exception (a stack trace each, slow with
    // source maps on), or a file of bad lines takes minutes to refuse instead of seconds.
    if (DECIMAL_AMOUNT.test(cell(column))) {
      try {
        return decimalToMinor(cell(column));
      } catch {
        // Out of range: refused below like any other bad amount.
      }
    }
    return fail(column, `Expected an amount like 150.00, got ${JSON.stringify(cell(column).slice(0, 40))}.`);
  };
  const cip = digitsOf('cip');
  const operationNumber = digitsOf('operationNumber');
  const currency = /^[A-Z]{3}$/.test(cell('currency'))
    ? cell('currency')
    : fail(
        'currency',
        `Expected a currency code like PEN, got ${JSON.stringify(cell('currency').slice(0, 40))}.`,
      );
  const gross = amount('gross');
  const commission = amount('commission');
  const tax = amount('tax');
  const net = amount('net');
  const paidAt =
    limaDateTime(cell('paidAt')) ?? fail('paidAt', 'Expected a Lima date and time dd/mm/yyyy HH:mm:ss.');
  const settled = /^\d{2}\/\d{2}\/\d{4}$/.test(cell('settledOn'))
    ? limaDateTime(cell('settledOn'))
    : undefined;
  if (settled === undefined) fail('settledOn', 'Expected a Lima date dd/mm/yyyy.');
  if (
    gross !== undefined &&
    commission !== undefined &&
    tax !== undefined &&
    net !== undefined &&
    gross - commission - tax !== net
  ) {
    fail('net', `${cell('net')} is not ${cell('gross')} − ${cell('commission')} − ${cell('tax')}.`);
  }
  if (
    problems.length > 0 ||
    cip === undefined ||
    operationNumber === undefined ||
    currency === undefined ||
    gross === undefined ||
    commission === undefined ||
    tax === undefined ||
    net === undefined ||
    paidAt === undefined ||
    settled === undefined
  ) {
    return { line: lineNumber, problems };
  }
  const transactionCode = cell('transactionCode');
  const channel = cell('channel');
  return {
    line: {
      line: lineNumber,
      cip,
      operationNumber,
      ...(transactionCode ? { transactionCode } : {}),
      currency,
      gross,
      commission,
      tax,
      net,
      paidAt: paidAt.toISOString(),
      settledOn: new Date(settled.getTime() - 5 * 3600_000).toISOString().slice(0, 10),
      ...(channel ? { channel: channel.slice(0, 100) } : {}),
    },
  };
}

/** `;` or `,`: whichever the header line holds more of (the cells themselves may contain the other). */
function sniffDelimiter(firstChunk: string): ';' | ',' {
  const headerLine = firstChunk.split(/\r?\n/, 1)[0] ?? '';
  const count = (character: string) => headerLine.split(character).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

const tooManyLines = (limits: ReportLimits) =>
  new ReportLimitError(
    'report_too_many_lines',
    `The report has more than ${limits.maxLines} lines after its header (settlement.limits.maxLines): split it into several reports.`,
    { name: 'maxLines', max: limits.maxLines },
  );

/** Bytes handed to the CSV parser at a time: a 4 MB body in one piece would be parsed whole at once. */
const SLICE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * The file's bytes in slices, refused as soon as a physical line is longer than `maxLineBytes` or
 * there are more lines than the header and `maxLines` (blank ones count): checked on the bytes,
 * before the parser builds any record of them.
 */
async function* guardedBytes(input: Readable, limits: ReportLimits): AsyncGenerator<Buffer> {
  let lineBytes = 0;
  let line = 1;
  const tooLong = () =>
    new ReportLimitError(
      'report_line_too_long',
      `Line ${line} is longer than ${limits.maxLineBytes} bytes (settlement.limits.maxLineBytes).`,
      { name: 'maxLineBytes', max: limits.maxLineBytes, line },
    );
  const tooMany = () => tooManyLines(limits);
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
      const slice = bytes.subarray(start, start + SLICE_BYTES);
      let from = 0;
      for (let end = slice.indexOf(NEWLINE); end !== -1; end = slice.indexOf(NEWLINE, from)) {
        if (line > limits.maxLines + 1) throw tooMany();
        if (lineBytes + end - from > limits.maxLineBytes) throw tooLong();
        lineBytes = 0;
        from = end + 1;
        line++;
      }
      // Line `line` has begun (a final line break alone does not begin one).
      if (from < slice.length && line > limits.maxLines + 1) throw tooMany();
      lineBytes += slice.length - from;
      if (lineBytes > limits.maxLineBytes) throw tooLong();
      yield slice;
    }
  }
}

/**
 * Reads a CSV's bytes through the line limits without parsing them: a millisecond per megabyte, so
 * a file of a million short lines is refused at once instead of after its first `maxLines` records
 * have been parsed and validated.
 */
export async function checkCsvShape(input: Readable, limits: ReportLimits): Promise<void> {
  for await (const _slice of guardedBytes(input, limits));
}

async function* csvRecords(
  input: Readable,
  limits: ReportLimits,
): AsyncGenerator<{ cells: string[]; line: number }> {
  const source = guardedBytes(input, limits);
  const first = await source.next();
  if (first.done) return;
  const firstChunk = first.value;
  // Loaded with the first report, not at init: the settlements function's other routes never parse CSV.
  const { CsvError, parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({
    bom: true,
    delimiter: sniffDelimiter(firstChunk.toString('utf8').replace(/^\uFEFF/, '')),
    relax_column_count: true,
    // Every line ending ends a record, whichever the first line used: left to csv-parse's discovery,
    // a CRLF header made every LF-ended row after it part of the first record's last cell (outside
    // tester 4: two of three payments silently lost).
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_empty_lines: true,
    info: true,
    // A quoted cell may hold line breaks: the record as a whole is held to the line limit too.
    max_record_size: limits.maxLineBytes,
  });
  async function* whole() {
    yield firstChunk;
    yield* source;
  }
  Readable.from(whole())
    .on('error', (error) => parser.destroy(error))
    .pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: record.record, line: record.info.lines };
    }
  } catch (error) {
    if (error instanceof ReportLimitError) throw error;
    const line = Number((error as { lines?: number }).lines ?? 0);
    if (error instanceof CsvError && error.code === 'CSV_MAX_RECORD_SIZE') {
      throw new ReportLimitError(
        'report_line_too_long',
        `Line ${line} is longer than ${limits.maxLineBytes} bytes (settlement.limits.maxLineBytes).`,
        { name: 'maxLineBytes', max: limits.maxLineBytes, line },
      );
    }
    // Whatever csv-parse refuses (a stray quote, a broken record) is the file's fault: a 400.
    if (error instanceof CsvError) {
      throw new UnreadableReportError(`Line ${line}: ${(error as Error).message}`, {
        line,
        column: '*',
        message: (error as Error).message,
      });
    }
    throw error;
  }
}

/** A cell of a sheet as the text a CSV would hold (dates as Lima wall time, numbers as decimals). */
function cellText(value: unknown, sharedStrings: SharedStrings): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs reads a date cell's wall time as if it were UTC: the fields are Lima's.
    const pad = (n: number) => String(n).padStart(2, '0');
    const date = `${pad(value.getUTCDate())}/${pad(value.getUTCMonth() + 1)}/${value.getUTCFullYear()}`;
    const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
    return time === '00:00:00' ? date : `${date} ${time}`;
  }
  if (typeof value === 'number') {
    const cents = Math.round(value * 100);
    return Number.isInteger(value)
      ? String(value)
      : Math.abs(cents - value * 100) < 1e-6
        ? (cents / 100).toFixed(2)
        : String(value);
  }
  if (typeof value === 'object') {
    const cellValue = value as {
      text?: unknown;
      result?: unknown;
      richText?: { text: string }[];
      sharedString?: unknown;
    };
    if (typeof cellValue.sharedString === 'number') return sharedStrings.at(cellValue.sharedString);
    if (cellValue.richText) return richTextOf(cellValue.richText);
    if (cellValue.result !== undefined) return cellText(cellValue.result, sharedStrings);
    if (cellValue.text !== undefined) return cellText(cellValue.text, sharedStrings);
  }
  return String(value);
}

type SharedStringText = string | null | { richText: { text?: string | null }[] };

const richTextOf = (parts: readonly { text?: string | null }[]) =>
  parts.map((part) => part.text ?? '').join('');

/** Shared strings joined per this many, into one flat string each. */
const SHARED_STRINGS_PER_PIECE = 4_096;

/**
 * A workbook's shared strings, held compactly: every 4,096 joined into one flat string, with where
 * each ends. Kept as exceljs's cache keeps them (an array of strings each a slice of the XML text
 * it was parsed from) they were ~15 MB live for 300,000 strings, and V8 lets the heap grow to about
 * four times what is live before collecting: that cache alone cost ~60 MB of the import's peak.
 */
class SharedStrings {
  private readonly pieces: string[] = [];
  private pending: string[] = [];
  private ends = new Uint32Array(SHARED_STRINGS_PER_PIECE);
  private count = 0;
  private pendingLength = 0;

  add(text: string) {
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.pendingLength += text.length;
    this.ends[this.count++] = this.pendingLength;
    this.pending.push(text);
    if (this.pending.length === SHARED_STRINGS_PER_PIECE) this.seal();
  }

  /** Joins the pending strings into one flat piece, letting go of the XML text they were sliced from. */
  seal() {
    if (this.pending.length === 0) return;
    this.pieces.push(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  static of(texts: readonly SharedStringText[]): SharedStrings {
    const strings = new SharedStrings();
    for (const text of texts)
      strings.add(typeof text === 'string' ? text : text ? richTextOf(text.richText) : '');
    strings.seal();
    return strings;
  }

  /** Read as exceljs reads its cache (`sharedStrings[index]`). */
  asArray(): SharedStringText[] {
    return new Proxy([], {
      get: (_target, key) =>
        typeof key === 'string' && /^\d+$/.test(key) ? this.at(Number(key)) : undefined,
    });
  }

  at(index: number): string {
    if (!(index >= 0 && index < this.count)) return '';
    const piece = this.pieces[Math.floor(index / SHARED_STRINGS_PER_PIECE)] ?? '';
    const start = index % SHARED_STRINGS_PER_PIECE === 0 ? 0 : (this.ends[index - 1] ?? 0);
    return piece.slice(start, this.ends[index]);
  }
}

async function* xlsxRecords(
  input: Readable,
  limits: ReportLimits,
): AsyncGenerator<{ cells: string[]; line: number }> {
  // The zip is checked against the limits before exceljs sees a byte of it (xlsx-guard.ts).
  const workbook = await checkedWorkbook(input, limits);
  // Loaded on first use: only the settlement functions pay for the spreadsheet reader.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(workbook, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheetRead = false;
  try {
    for await (const { eventType, value } of reader.parse() as unknown as AsyncIterable<{
      eventType: string;
      value: unknown;
    }>) {
      // The first sheet is the report; others (notes, totals) are not read, but the zip is read to
      // its end so that exceljs deletes any temporary file it spooled a sheet to.
      if (eventType !== 'worksheet' || sheetRead) continue;
      sheetRead = true;
      // The guard hands exceljs the sheets last, so the shared strings are all cached by now:
      // held compactly instead from here on (the sheet reads them when its parse begins).
      const cache = reader as unknown as { sharedStrings?: SharedStringText[] };
      const sharedStrings = SharedStrings.of(cache.sharedStrings ?? []);
      if (cache.sharedStrings) cache.sharedStrings = sharedStrings.asArray();
      let rows = 0;
      for await (const row of value as AsyncIterable<{ values: unknown; number: number }>) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        const cells = values.map((cell) => cellText(cell, sharedStrings));
        if (cells.every((text) => text.trim() === '')) continue;
        if (++rows > limits.maxLines + 1) throw tooManyLines(limits);
        yield { cells, line: row.number };
      }
    }
  } catch (error) {
    if (error instanceof UnreadableReportError || error instanceof ReportLimitError) throw error;
    throw new UnreadableReportError(`Not a readable .xlsx file: ${(error as Error).message}`, {
      line: 0,
      column: '*',
      message: 'The body is not a readable .xlsx workbook.',
    });
  }
}

/** Refuses a line with a cell longer than `maxCellChars`, naming the column by its header. */
function checkCells(cells: readonly string[], line: number, header: readonly string[], limits: ReportLimits) {
  const index = cells.findIndex((text) => text.length > limits.maxCellChars);
  if (index < 0) return;
  const column = header[index]?.trim() || `column ${index + 1}`;
  throw new ReportLimitError(
    'report_cell_too_long',
    `Line ${line}, ${column}: a cell longer than ${limits.maxCellChars} characters (settlement.limits.maxCellChars).`,
    { name: 'maxCellChars', max: limits.maxCellChars, line, column },
  );
}

/**
 * Streams a report's lines, each validated (or with its problems), never holding the file: a
 * 100,000-line report takes the memory of one line (an .xlsx: the zip, checked first). Past a
 * limit of `config.limits` it throws ReportLimitError. The header row is mapped by the stage's
 * column names; a file with no usable header is unreadable as a whole.
 */
export async function* readReport(
  input: Readable,
  format: ReportFormat,
  config: SettlementConfig,
): AsyncGenerator<ReadLine> {
  let positions: Map<ReportColumn, number> | undefined;
  let header: readonly string[] = [];
  const { limits } = config;
  for await (const { cells, line } of format === 'csv'
    ? csvRecords(input, limits)
    : xlsxRecords(input, limits)) {
    checkCells(cells, line, header, limits);
    if (positions === undefined) {
      positions = columnPositions(cells, config);
      header = cells;
      continue;
    }
    yield readRecord(cells, line, positions, config);
  }
  if (positions === undefined) {
    throw new UnreadableReportError('The report is empty.', {
      line: 1,
      column: '*',
      message: 'No header row.',
    });
  }
}

/** Passes bytes through while hashing them: the report's identity is its SHA-256. */
export function sha256Tap(input: Readable): { output: Readable; digest: () => string } {
  const hash = createHash('sha256');
  const output = new PassThrough();
  input.on('data', (chunk: Buffer) => hash.update(chunk));
  input.on('error', (error) => output.destroy(error));
  input.pipe(output);
  return { output, digest: () => hash.digest('hex') };
}
