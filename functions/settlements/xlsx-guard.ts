import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { ReportLimits } from '#model/settlement-config';
import { ReportLimitError, UnreadableReportError } from './report-errors';

/**
 * An .xlsx is a zip archive, and exceljs inflates whatever its entries hold: a 57 KB workbook whose
 * shared strings unzip to 50 MB took the process down, and a zip bomb would too. So before exceljs
 * sees the file it is read whole (up to `xlsxMaxBytes`: the zip's directory is at its end) and
 * checked (decision 73):
 * - the central directory's sizes: entries, their sum unzipped, the shared strings part;
 * - that the directory tells the whole truth: every byte of the file belongs to a listed entry,
 *   each local header (what exceljs's streaming unzip reads) agrees with the directory, and each
 *   entry inflates to exactly its declared size — counted while inflating, the output dropped, so
 *   a lying size costs no memory and is refused.
 * Zip64, encrypted entries and methods other than stored/deflate are not a spreadsheet's: refused.
 */
export async function checkedWorkbook(input: Readable, limits: ReportLimits): Promise<Readable> {
  const file = await wholeFile(input, limits);
  const entries = centralDirectory(file, limits);
  for (const entry of entries) await checkInflatedSize(file, entry, limits);
  // The checked entries, each whole (local header, data, descriptor), the sheets last: exceljs
  // then knows the shared strings and styles when a sheet begins and reads it straight from the
  // zip. Excel writes sheets first, and exceljs spooled each to a temporary file to read it
  // after the zip, in 64 KB pieces whose parse (all its rows at once) outlived V8's young
  // generation: a 100,000-line report peaked at ~120 MB of heap for ~27 MB live.
  const order = [...entries].sort((a, b) => Number(isSheet(a)) - Number(isSheet(b)) || a.header - b.header);
  // Slices, so exceljs's parser sees the stream as it would from S3 (and can apply backpressure).
  return Readable.from(
    (function* () {
      for (const entry of order) yield* slices(file.subarray(entry.header, entry.end));
      yield* slices(file.subarray(Math.max(...entries.map((entry) => entry.end), 0)));
    })(),
  );
}

const isSheet = (entry: Entry) => entry.name.startsWith('xl/worksheets/');

function* slices(bytes: Buffer) {
  for (let start = 0; start < bytes.length; start += 64 * 1024)
    yield bytes.subarray(start, start + 64 * 1024);
}

/** Every .xlsx file is a zip archive, and every zip archive starts with a local file header. */
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const DATA_DESCRIPTOR = 0x08074b50;
const SHARED_STRINGS = 'xl/sharedStrings.xml';

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  offset: number;
  /** Where its local header begins, and where its bytes (data, descriptor) end. */
  header: number;
  end: number;
}

const unreadable = (message: string) =>
  new UnreadableReportError(`Not a readable .xlsx file: ${message}`, {
    line: 0,
    column: '*',
    message: 'The body is not a readable .xlsx workbook.',
  });

async function wholeFile(input: Readable, limits: ReportLimits): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    length += bytes.length;
    if (length > limits.xlsxMaxBytes) {
      input.destroy();
      throw new ReportLimitError(
        'report_xlsx_too_large',
        `An .xlsx report may be at most ${limits.xlsxMaxBytes} bytes (settlement.limits.xlsxMaxBytes); send a larger one as CSV.`,
        { name: 'xlsxMaxBytes', max: limits.xlsxMaxBytes },
      );
    }
    chunks.push(bytes);
  }
  const file = Buffer.concat(chunks, length);
  // exceljs's stream reader never settles on an empty input (a request body or S3 object of 0
  // bytes hung the import — found by the hostile-input fuzz): what is not a zip stops here.
  if (file.length < 4 || file.readUInt32LE(0) !== LOCAL_HEADER) {
    throw new UnreadableReportError(
      file.length === 0 ? 'The .xlsx file is empty.' : 'Not a readable .xlsx file (not a zip archive).',
      { line: 0, column: '*', message: 'The body is not a readable .xlsx workbook.' },
    );
  }
  return file;
}

function centralDirectory(file: Buffer, limits: ReportLimits): Entry[] {
  // The end record is the last 22 bytes, unless a comment (up to 65,535 bytes) follows it.
  let end = -1;
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 65_535); at--) {
    if (file.readUInt32LE(at) === END_OF_DIRECTORY && at + 22 + file.readUInt16LE(at + 20) === file.length) {
      end = at;
      break;
    }
  }
  if (end < 0) throw unreadable('no zip directory at its end.');
  const count = file.readUInt16LE(end + 10);
  const directorySize = file.readUInt32LE(end + 12);
  const directoryOffset = file.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw unreadable('a Zip64 archive.');
  if (count > limits.xlsxMaxEntries) {
    throw new ReportLimitError(
      'report_xlsx_too_many_entries',
      `The workbook holds ${count} files; at most ${limits.xlsxMaxEntries} (settlement.limits.xlsxMaxEntries).`,
      { name: 'xlsxMaxEntries', max: limits.xlsxMaxEntries },
    );
  }
  if (directoryOffset + directorySize !== end) throw unreadable('its zip directory is not where it says.');
  const entries: Entry[] = [];
  let total = 0;
  for (let at = directoryOffset, i = 0; i < count; i++) {
    if (at + 46 > end || file.readUInt32LE(at) !== CENTRAL_HEADER)
      throw unreadable('a broken zip directory.');
    const nameLength = file.readUInt16LE(at + 28);
    const entry: Entry = {
      flags: file.readUInt16LE(at + 8),
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      size: file.readUInt32LE(at + 24),
      offset: file.readUInt32LE(at + 42),
      header: 0,
      end: 0,
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
    };
    at += 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    if (at > end) throw unreadable('a broken zip directory.');
    if (entry.flags & 1) throw unreadable(`${entry.name} is encrypted.`);
    if (entry.method !== 0 && entry.method !== 8)
      throw unreadable(`${entry.name} is compressed an unknown way.`);
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff)
      throw unreadable('a Zip64 archive.');
    total += entry.size;
    if (entry.name === SHARED_STRINGS && entry.size > limits.xlsxMaxSharedStringsBytes) {
      throw new ReportLimitError(
        'report_xlsx_shared_strings_too_large',
        `The workbook's shared strings unzip to ${entry.size} bytes; at most ${limits.xlsxMaxSharedStringsBytes} (settlement.limits.xlsxMaxSharedStringsBytes).`,
        { name: 'xlsxMaxSharedStringsBytes', max: limits.xlsxMaxSharedStringsBytes },
      );
    }
    if (total > limits.xlsxMaxUncompressedBytes) throw tooMuchUnzipped(limits);
    entries.push(entry);
  }
  // Every byte before the directory belongs to a listed entry, in order: nothing hidden between
  // them for a streaming unzip to find, and no two entries sharing bytes.
  let next = 0;
  for (const entry of [...entries].sort((a, b) => a.offset - b.offset)) {
    const at = entry.offset;
    if (at !== next || at + 30 > directoryOffset || file.readUInt32LE(at) !== LOCAL_HEADER)
      throw unreadable(`${entry.name} is not where the zip directory says.`);
    const flags = file.readUInt16LE(at + 6);
    const nameLength = file.readUInt16LE(at + 26);
    const name = file.toString('utf8', at + 30, at + 30 + nameLength);
    const sizesAgree =
      flags & 8 ||
      (file.readUInt32LE(at + 18) === entry.compressedSize && file.readUInt32LE(at + 22) === entry.size);
    if (name !== entry.name || file.readUInt16LE(at + 8) !== entry.method || !sizesAgree)
      throw unreadable(`${entry.name}'s header differs from the zip directory.`);
    const dataStart = at + 30 + nameLength + file.readUInt16LE(at + 28);
    let dataEnd = dataStart + entry.compressedSize;
    if (flags & 8)
      dataEnd += dataEnd + 4 <= file.length && file.readUInt32LE(dataEnd) === DATA_DESCRIPTOR ? 16 : 12;
    if (dataEnd > directoryOffset) throw unreadable(`${entry.name} runs into the zip directory.`);
    Object.assign(entry, { offset: dataStart, header: at, end: dataEnd });
    next = dataEnd;
  }
  if (next !== directoryOffset) throw unreadable('bytes in the zip that no entry owns.');
  return entries;
}

const tooMuchUnzipped = (limits: ReportLimits) =>
  new ReportLimitError(
    'report_xlsx_uncompressed_too_large',
    `The workbook unzips to more than ${limits.xlsxMaxUncompressedBytes} bytes (settlement.limits.xlsxMaxUncompressedBytes).`,
    { name: 'xlsxMaxUncompressedBytes', max: limits.xlsxMaxUncompressedBytes },
  );

/** Inflates an entry, counting and dropping the output: it must be exactly the declared size. */
async function checkInflatedSize(file: Buffer, entry: Entry, limits: ReportLimits): Promise<void> {
  const data = file.subarray(entry.offset, entry.offset + entry.compressedSize);
  if (entry.method === 0) {
    if (data.length !== entry.size) throw unreadable(`${entry.name} is not its declared size.`);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // A zip bomb's tell: more comes out than the directory admits. Stop inflating at once.
      if (size > entry.size) {
        inflate.destroy();
        reject(
          new ReportLimitError(
            'report_xlsx_uncompressed_too_large',
            `${entry.name} unzips to more than the ${entry.size} bytes the zip declares for it: refused as a zip bomb.`,
            { name: 'xlsxMaxUncompressedBytes', max: limits.xlsxMaxUncompressedBytes },
          ),
        );
      }
    });
    inflate.on('error', () => reject(unreadable(`${entry.name} does not unzip.`)));
    inflate.on('end', () =>
      size === entry.size && inflate.bytesWritten === data.length
        ? resolve()
        : reject(unreadable(`${entry.name} is not its declared size.`)),
    );
    inflate.end(data);
  });
}
