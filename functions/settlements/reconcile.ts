import type { Readable } from 'node:stream';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type Anomaly, holdsSuspenseCash, paymentAnomalyId } from '#model/anomaly';
import { type JournalEntry, settlementEntry } from '#model/journal';
import type { Order } from '#model/order';
import {
  AMOUNT_FIELDS,
  type Amounts,
  ANOMALY_FOR,
  type Classification,
  classifyLine,
  expectedAmounts,
  holdsLineCash,
  type LineOutcome,
  type ReportLine,
  type Settlement,
  type SettlementLineRecord,
  SUSPENSE_LINE_OUTCOMES,
  sellersHoldCash,
  settlementIdFor,
  suspenseAnomalyIdsFor,
} from '#model/settlement';
import { type SettlementConfig, settlementConfig } from '#model/settlement-config';
import { orderEventData } from '#orders/present';
import { applyPayment, reportAnomaly } from '#payments/apply-payment';
import { now } from '#platform/clock';
import { ValidationError } from '#platform/errors';
import { READ_AGAIN, withFreshReads } from '#platform/optimistic';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import { getAnomaly } from '#store/anomalies-repository';
import { accountTotalWrites, ledgerWrites } from '#store/ledger-repository';
import { batchGetOrders, getOrderByCip, paymentRecordPut } from '#store/orders-repository';
import { getRefund } from '#store/refunds-repository';
import {
  advanceSettlement,
  type BatchTally,
  completeSettlement,
  getLine,
  getSettlement,
  LineRecordedError,
  recordImportFailure,
  recordLine,
  recordLineWithBookings,
  SettlementMovedError,
  saveSettledLine,
  startSettlement,
} from '#store/settlements-repository';
import {
  checkCsvShape,
  type LineProblem,
  type ReadLine,
  type ReportFormat,
  readReport,
  UnreadableReportError,
} from './report';

/** A report to import: opened once to validate and once to apply (streams, never the whole file). */
export interface ReportSource {
  open(): Readable | Promise<Readable>;
  format: ReportFormat;
  fileName: string;
  sha256: string;
}

export interface ImportOptions {
  /** Accept bad lines as `invalid_line` instead of refusing the whole report. */
  partial: boolean;
  /** Who imports (API key id, or `s3:<key>` for uploads). */
  by: string;
  /** Asked before each batch: an import that runs out of time stops cleanly and resumes on the next call. */
  hasTimeLeft?: () => boolean;
  /**
   * The stage's PSP: a payment the report lists that we never heard of is confirmed with its
   * search before it is applied (decision 135) — a report is a file a person uploads.
   */
  psp: PspProvider;
}

/** Outcomes whose line settled a payment (and booked settlementEntry). */
const SETTLING: ReadonlySet<LineOutcome> = new Set([
  'matched',
  'commission_mismatch',
  'refunded_before_settlement',
  'missing_notification',
]);

/** Lines reconciled per batch: one BatchGet of their orders, then one tally update. */
const BATCH_LINES = 100;
/** Lines of a batch written at once (each is one transaction). */
const LINE_CONCURRENCY = 10;
/** Problems listed in a refusal; the count says how many more there were. */
const MAX_LISTED_PROBLEMS = 50;

/**
 * Imports one settlement report: validates every line first (a report with bad lines is refused
 * whole, naming line and column, unless `partial`), then reconciles the lines in batches. Each
 * line's effect is idempotent (the order's settlement, the ledger entry and the line record commit
 * together), and the settlement's watermark moves only after a batch is counted, so an import cut
 * short — a crash, a timeout — is resumed by importing the same file again.
 */
export async function importReport(
  source: ReportSource,
  options: ImportOptions,
): Promise<{
  settlement: Settlement /** This file was imported (completed) before: nothing changed. */;
  replayed: boolean;
}> {
  const config = settlementConfig();
  const id = settlementIdFor(source.sha256);
  let settlement = await getSettlement(id);
  if (settlement?.status === 'COMPLETED') return { settlement, replayed: true };
  if (settlement === undefined) {
    const scan = await validateReport(source, config);
    if (scan.problems.length > 0 && !options.partial) {
      throw new ValidationError(
        scan.problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => ({
          field: `line ${problem.line}: ${problem.column}`,
          message: problem.message,
        })),
        `${scan.problemLines} of ${scan.lines} lines cannot be read; nothing was applied. ` +
          'Fix them, or import with ?partial=true to reconcile the rest and list these as invalid_line.',
      );
    }
    ({ settlement } = await startSettlement({
      id,
      status: 'IMPORTING',
      fileName: source.fileName,
      fileSha256: source.sha256,
      format: source.format,
      partial: options.partial,
      importedAt: now().toISOString(),
      importedBy: options.by,
      settledOn: scan.settledOn ?? now().toISOString().slice(0, 10),
      lines: scan.lines,
      processedThrough: 0,
    }));
    if (settlement.status === 'COMPLETED') return { settlement, replayed: true };
  }
  try {
    return { settlement: await applyReport(source, settlement, config, options), replayed: false };
  } catch (error) {
    if (error instanceof SettlementMovedError) return afterTwin(settlement.id);
    await noteFailure(settlement.id, error);
    throw error;
  }
}

/**
 * The same report posted twice at once (a client retrying on its timeout, an upload and a post):
 * the other import moved the watermark first, and every line this one wrote was its once-only
 * write. This one stops and answers with the settlement as the other leaves it — IMPORTING (202:
 * post the same file again to follow it) or COMPLETED (200, as any repeat of a finished file) —
 * instead of failing a request that changed nothing (outside test 9, decision 134).
 */
async function afterTwin(id: string): Promise<{ settlement: Settlement; replayed: boolean }> {
  const current = (await getSettlement(id)) as Settlement;
  logger.info('settlement advanced by a concurrent import of the same report; this one stops', {
    settlementId: id,
    processedThrough: current.processedThrough,
    status: current.status,
  });
  return { settlement: current, replayed: current.status === 'COMPLETED' };
}

/**
 * An attempt that stops midway (the file's stream broke, DynamoDB refused, the function crashed
 * into an error) leaves the settlement IMPORTING at its watermark, every line before it applied
 * once: posting the same file again resumes it. The reason is kept on the settlement so that a
 * person reading it knows it stalled and what to do; the details are in the log.
 */
async function noteFailure(id: string, error: unknown) {
  const current = await getSettlement(id).catch(() => undefined);
  const name = error instanceof Error ? error.name : 'Error';
  logger.error('settlement import stopped; importing the same file again resumes it', {
    settlementId: id,
    processedThrough: current?.processedThrough,
    error,
  });
  if (current === undefined) return;
  await recordImportFailure(id, {
    at: now().toISOString(),
    processedThrough: current.processedThrough,
    reason: `The import stopped after line ${current.processedThrough} (${name}). Lines up to there are reconciled; import the same file again to resume.`,
  }).catch((failure: unknown) => logger.warn('could not record the import failure', { failure }));
}

async function validateReport(source: ReportSource, config: SettlementConfig) {
  try {
    return await scanReport(source, config);
  } catch (error) {
    if (!(error instanceof UnreadableReportError)) throw error;
    const { line, column, message } = error.problem;
    throw new ValidationError([{ field: `line ${line}: ${column}`, message }], error.message);
  }
}

async function scanReport(source: ReportSource, config: SettlementConfig) {
  let lines = 0;
  let problemLines = 0;
  let settledOn: string | undefined;
  const problems: LineProblem[] = [];
  if (source.format === 'csv') await checkCsvShape(await source.open(), config.limits);
  for await (const read of readReport(await source.open(), source.format, config)) {
    lines++;
    if ('problems' in read) {
      problemLines++;
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push(...read.problems);
    } else if (settledOn === undefined || read.line.settledOn > settledOn) {
      settledOn = read.line.settledOn;
    }
  }
  if (lines === 0) {
    throw new ValidationError([{ field: 'body', message: 'The report has a header but no lines.' }]);
  }
  return { lines, problemLines, problems, settledOn };
}

async function applyReport(
  source: ReportSource,
  started: Settlement,
  config: SettlementConfig,
  options: ImportOptions,
): Promise<Settlement> {
  let watermark = started.processedThrough;
  let batch: ReadLine[] = [];
  const flush = async () => {
    const last = batch.at(-1);
    if (last === undefined) return;
    const tally = await reconcileBatch(started, batch, config, options);
    await advanceSettlement(
      started.id,
      watermark,
      lineNumberOf(last),
      tally,
      accountTotalWrites(tally.accounts),
    );
    watermark = lineNumberOf(last);
    batch = [];
  };
  for await (const read of readReport(await source.open(), source.format, config)) {
    if (lineNumberOf(read) <= watermark) continue;
    batch.push(read);
    if (batch.length < BATCH_LINES) continue;
    if (options.hasTimeLeft && !options.hasTimeLeft()) {
      logger.info('settlement import paused; importing the same file again resumes it', {
        settlementId: started.id,
        processedThrough: watermark,
      });
      return (await getSettlement(started.id)) as Settlement;
    }
    await flush();
  }
  await flush();
  const settlement = (await getSettlement(started.id)) as Settlement;
  await completeSettlement(settlement, now().toISOString(), summaryOf(settlement));
  metrics.addMetric('SettlementImported', MetricUnit.Count, 1);
  const unmatched = settlement.lines - settlement.counts.matched;
  if (unmatched > 0) metrics.addMetric('SettlementLinesUnmatched', MetricUnit.Count, unmatched);
  logger.info('settlement imported', { settlementId: settlement.id, counts: settlement.counts });
  return (await getSettlement(started.id)) as Settlement;
}

const lineNumberOf = (read: ReadLine) => (typeof read.line === 'number' ? read.line : read.line.line);

/** The event's summary: what a finance team's channel needs to see at a glance. */
export function summaryOf(settlement: Settlement): Record<string, unknown> {
  const { id, fileName, fileSha256, settledOn, lines, counts, totals, expected } = settlement;
  return { id, fileName, fileSha256, settledOn, lines, counts, totals, expected };
}

/**
 * Reconciles one batch. The orders are read with one BatchGet by the report's transaction code
 * (our order id, which PagoEfectivo echoes): one item read per line. A line without it, or whose
 * order does not hold its CIP, is looked up by CIP.
 */
async function reconcileBatch(
  settlement: Settlement,
  batch: ReadLine[],
  config: SettlementConfig,
  options: ImportOptions,
) {
  const ids = batch.flatMap((read) =>
    'problems' in read || !read.line.transactionCode?.startsWith('ord_') ? [] : [read.line.transactionCode],
  );
  const orders = new Map((await batchGetOrders([...new Set(ids)])).map((order) => [order.id, order]));
  const tally: BatchTally & { accounts: Record<string, Record<string, number>> } = {
    counts: {},
    totals: {},
    expected: {},
    accounts: {},
  };
  const results: SettlementLineRecord[] = [];
  // Lines of one batch run a few at a time; two lines of the same payment are serialised by the
  // order's version (the loser re-reads and sees the winner's settlement: a duplicate).
  for (let start = 0; start < batch.length; start += LINE_CONCURRENCY) {
    const slice = batch.slice(start, start + LINE_CONCURRENCY);
    // Two lines of one CIP run in file order, so the earlier one is the one that settles.
    const previousOfCip = new Map<string, Promise<unknown>>();
    results.push(
      ...(await Promise.all(
        slice.map((read) => {
          if ('problems' in read) return recordInvalidLine(settlement, read);
          const after = previousOfCip.get(read.line.cip) ?? Promise.resolve();
          const run = after.then(() =>
            reconcileLine(settlement, read.line, orderFor(read.line, orders), config, options),
          );
          previousOfCip.set(
            read.line.cip,
            run.catch(() => undefined),
          );
          return run;
        }),
      )),
    );
  }
  for (const record of results) {
    tally.counts[record.outcome] = (tally.counts[record.outcome] ?? 0) + 1;
    if (record.currency === undefined || record.gross === undefined) continue;
    add(tally.totals, record.currency, record as Amounts);
    // Expected in the order's currency: a line settled in another is not what we expected in its own.
    if (record.expected) add(tally.expected, record.expectedCurrency ?? record.currency, record.expected);
    if (SETTLING.has(record.outcome) || record.suspenseAnomalyId !== undefined) {
      // What settlementEntry booked for this line (an order's payment, or cash held in suspense),
      // summed: recomputed from the stored line on a rerun, and applied once with the batch's
      // watermark.
      const accounts = tally.accounts[record.currency] ?? {};
      tally.accounts[record.currency] = accounts;
      accounts.bank = (accounts.bank ?? 0) + (record.net ?? 0);
      accounts.psp_fee_expense = (accounts.psp_fee_expense ?? 0) + (record.commission ?? 0);
      accounts.psp_fee_tax = (accounts.psp_fee_tax ?? 0) + (record.tax ?? 0);
      accounts.psp_receivable = (accounts.psp_receivable ?? 0) - record.gross;
    }
  }
  return tally;
}

function add(into: Record<string, Amounts>, currency: string, amounts: Amounts) {
  const sum = into[currency] ?? { gross: 0, commission: 0, tax: 0, net: 0 };
  into[currency] = sum;
  for (const field of AMOUNT_FIELDS) sum[field] += amounts[field];
}

function orderFor(line: ReportLine, orders: Map<string, Order>): Order | 'by_cip' {
  const order = line.transactionCode ? orders.get(line.transactionCode) : undefined;
  return order !== undefined && order.voucher.cip === line.cip ? order : 'by_cip';
}

async function recordInvalidLine(settlement: Settlement, read: { line: number; problems: LineProblem[] }) {
  const record: SettlementLineRecord = {
    line: read.line,
    outcome: 'invalid_line',
    detail: read.problems.map((problem) => `${problem.column}: ${problem.message}`).join(' '),
    problems: read.problems.map(({ column, message }) => ({ column, message })),
  };
  if (await recordLine(settlement.id, record)) return record;
  return (await getLine(settlement.id, read.line)) ?? record;
}

const reportedFacts = (line: ReportLine) => ({
  line: line.line,
  cip: line.cip,
  operationNumber: line.operationNumber,
  ...(line.transactionCode ? { transactionCode: line.transactionCode } : {}),
  currency: line.currency,
  gross: line.gross,
  commission: line.commission,
  tax: line.tax,
  net: line.net,
  paidAt: line.paidAt,
  settledOn: line.settledOn,
  ...(line.channel ? { channel: line.channel } : {}),
});

/**
 * A payment the report lists and we never heard of, asked of the PSP before it is applied. The
 * report is a file uploaded by a person: applied on its word alone, one line turned an unpaid
 * order PAID and its sellers' money available, with the PSP still saying unpaid (outside test 9,
 * decision 135). Not paid there, the line is an `unknown_payment` like any payment we cannot
 * match: flagged with its anomaly, nothing applied or booked. A PSP that cannot answer stops the import,
 * which resumes when the same file is imported again.
 */
async function confirmedAtPsp(line: ReportLine, order: Order, psp: PspProvider): Promise<Classification> {
  const [status] =
    order.voucher.provider === psp.name ? await psp.searchVouchers([order.voucher]) : [undefined];
  if (status?.state === 'paid') return { kind: 'apply_payment' };
  return {
    kind: 'flag',
    outcome: 'unknown_payment',
    detail:
      `The report lists CIP ${line.cip} as paid (operation ${line.operationNumber}), but ` +
      `${order.voucher.provider}'s own status for it is ${status?.state ?? 'not known to this stage'}: ` +
      'not applied to the order. Ask the PSP before acting on it.',
  };
}

/** One line's effect, exactly once: re-reads and decides again when it loses a race. */
async function reconcileLine(
  settlement: Settlement,
  line: ReportLine,
  prefetched: Order | 'by_cip',
  config: SettlementConfig,
  options: ImportOptions,
): Promise<SettlementLineRecord> {
  let paymentWasMissing = false;
  let refused: string | undefined;
  return withFreshReads(
    async (round) => {
      const order = round === 1 && prefetched !== 'by_cip' ? prefetched : await getOrderByCip(line.cip);
      const classified = classifyLine(line, order, settlement.id, config);
      // A payment the report says we never heard of may be one we heard of and held as an anomaly
      // (its cash already in suspense): flagged, never applied a second time.
      const held =
        classified.kind === 'apply_payment' && order !== undefined
          ? ((await heldAsAnomaly(line, order, config)) ?? classified)
          : classified;
      const decision =
        held.kind !== 'apply_payment' || order === undefined
          ? held
          : refused !== undefined
            ? // The payment path would not apply it (e.g. another operation of a CIP whose payment
              // is held): flagged like any payment we cannot match, its cash found held below.
              ({
                kind: 'flag',
                outcome: 'unknown_payment',
                detail: `Paid per the report, but not applied: it is a ${refused} anomaly of this CIP.`,
              } satisfies Classification)
            : await confirmedAtPsp(line, order, options.psp);
      if (decision.kind === 'done_before')
        return (await getLine(settlement.id, line.line)) as SettlementLineRecord;
      if (decision.kind === 'apply_payment') {
        // Paid in the report, never heard of here (the notification and polling both missed it):
        // through the one payment path, exactly once — then it settles like any payment.
        const applied = await applyPayment(
          {
            cip: line.cip,
            operationNumber: line.operationNumber,
            amountMinor: line.gross,
            currency: line.currency,
            paidAt: new Date(line.paidAt),
            transactionCode: line.transactionCode,
          },
          'settlement',
        );
        paymentWasMissing ||= applied.result === 'applied';
        if (applied.result === 'anomaly') refused = applied.type;
        return READ_AGAIN;
      }
      const outcome: LineOutcome =
        decision.kind === 'settles' && paymentWasMissing ? 'missing_notification' : decision.outcome;
      const detail =
        outcome === 'missing_notification'
          ? 'Paid per the report, but no notification or poll had told us: the payment was applied from the report, then settled.'
          : decision.detail;
      const anomalyType = ANOMALY_FOR[outcome];
      const anomalyId = anomalyType
        ? `${anomalyType}:${line.cip}:${line.operationNumber}${outcome === 'duplicate_line' ? `:${settlement.id}:${line.line}` : ''}`
        : undefined;
      const record: SettlementLineRecord = {
        ...reportedFacts(line),
        outcome,
        detail,
        ...(order && order.voucher.cip === line.cip ? { orderId: order.id } : {}),
        ...(decision.expected && order
          ? { expected: decision.expected, expectedCurrency: order.currency }
          : {}),
        ...(anomalyId ? { anomalyId } : {}),
      };
      if (anomalyType && anomalyId) {
        // Before the line's record: an import cut short between the two must not lose the anomaly.
        await reportAnomaly({
          id: anomalyId,
          type: anomalyType,
          detectedAt: now().toISOString(),
          detail: `${detail} (settlement ${settlement.id}, line ${line.line})`,
          cip: line.cip,
          operationNumber: line.operationNumber,
          ...(record.orderId ? { orderId: record.orderId } : {}),
          amount: line.gross,
          currency: line.currency,
          source: 'settlement',
          settlementId: settlement.id,
          line: line.line,
        });
      }
      if (decision.kind === 'flag' || order === undefined) {
        // A line flagged by heldAsAnomaly disagrees with the anomaly it found (that is why it was
        // flagged): no held cash to book, and no need to read the anomalies again.
        const held =
          decision === classified && SUSPENSE_LINE_OUTCOMES.has(outcome) ? await heldCashOf(line) : undefined;
        if (held !== undefined) return recordSuspenseArrival(settlement, line, record, held);
        if (await recordLine(settlement.id, record)) return record;
        return (await getLine(settlement.id, line.line)) ?? record;
      }
      try {
        await settle(settlement, line, order, record);
        return record;
      } catch (error) {
        if (error instanceof LineRecordedError) return (await getLine(settlement.id, line.line)) ?? record;
        throw error;
      }
    },
    () => {
      throw new Error(`Could not reconcile line ${line.line} (CIP ${line.cip}): its order kept changing`);
    },
  );
}

/**
 * Writes a settled payment: the order gains its `settlement` (and the operation number, if only
 * polling had seen the payment), the sellers' shares move from pending to available — less what
 * approved refunds already took from them — and the ledger books the PSP's fees.
 */
async function settle(settlement: Settlement, line: ReportLine, order: Order, record: SettlementLineRecord) {
  const at = now().toISOString();
  const refunds = (await Promise.all((order.refunds ?? []).map(({ id }) => getRefund(id)))).flatMap(
    (refund) => (refund ? [refund] : []),
  );
  const released: Record<string, number> = {};
  if (sellersHoldCash(order)) {
    for (const split of order.splits) {
      released[split.sellerId] = (released[split.sellerId] ?? 0) + split.amount - split.fee;
    }
    for (const refund of refunds) {
      if (refund.anomalyId !== undefined || (refund.status !== 'APPROVED' && refund.status !== 'PAID_OUT'))
        continue;
      for (const allocation of refund.allocations) {
        released[allocation.sellerId] =
          (released[allocation.sellerId] ?? 0) - (allocation.amount - allocation.fee);
      }
    }
  }
  const entry: JournalEntry & { sellerMoves: Record<string, Record<string, number>> } = settlementEntry(
    {
      settlementId: settlement.id,
      cip: line.cip,
      operationNumber: line.operationNumber,
      orderId: order.id,
      currency: line.currency,
      gross: line.gross,
      commission: line.commission,
      tax: line.tax,
      net: line.net,
      released,
    },
    at,
  );
  const gainsOperationNumber = order.payment !== undefined && order.payment.operationNumber === null;
  const next: Order = {
    ...order,
    ...(gainsOperationNumber && order.payment
      ? { payment: { ...order.payment, operationNumber: line.operationNumber } }
      : {}),
    settlement: {
      id: settlement.id,
      line: line.line,
      settledOn: line.settledOn,
      commission: line.commission,
      tax: line.tax,
      net: line.net,
    },
    updatedAt: at,
    version: order.version + 1,
  };
  await saveSettledLine({
    previous: order,
    next,
    eventData: orderEventData(next),
    settlementId: settlement.id,
    line: record,
    // The fixed accounts' totals move once per batch, with the batch's tally (applyReport).
    bookings: ledgerWrites(entry, { deferAccountTotals: true }),
    // A payment first seen by polling gains its operation number, and the record later copies dedupe on.
    extra: gainsOperationNumber
      ? [paymentRecordPut(line.cip, line.operationNumber, order.id, at, 'settlement')]
      : [],
    refundChecks: refunds.map(({ id, version }) => ({ id, version })),
  });
}

/**
 * The anomalies that hold a notified or polled payment of a pending order in suspense: its amount
 * or currency was not the order's. The report may disagree with that notification (another
 * amount); it is still the same PSP operation, whose cash is booked once.
 */
const SUSPENSE_ANOMALIES = ['amount_mismatch', 'currency_mismatch'] as const;

/**
 * The line, flagged, when its operation was already seen and held as an anomaly: applying it from
 * the report would book the same payment twice (the suspense entry and the order's payment), and
 * which amount is right is a person's call. Undefined when no such anomaly exists.
 */
async function heldAsAnomaly(
  line: ReportLine,
  order: Order,
  config: SettlementConfig,
): Promise<Classification | undefined> {
  // Its notification names the operation; a payment only polling saw has none (but the same CIP).
  const ids = SUSPENSE_ANOMALIES.flatMap((type) =>
    [line.operationNumber, null].map((operation) => ({
      type,
      id: paymentAnomalyId(type, line.cip, operation),
    })),
  );
  // Read together (a line reaches here only when the report has a payment we did not apply).
  const found = await Promise.all(ids.map(async ({ type, id }) => ({ type, anomaly: await getAnomaly(id) })));
  for (const { type, anomaly } of found) {
    if (anomaly === undefined) continue;
    return {
      kind: 'flag',
      outcome: type,
      detail:
        `The report has operation ${line.operationNumber} at ${line.gross} ${line.currency}; its ` +
        `notification or poll said ${anomaly.amount} ${anomaly.currency} (anomaly ${anomaly.id}` +
        `${holdsSuspenseCash(anomaly) ? ', held in suspense' : ', contesting the payment booked'}). ` +
        'Not applied from the report: find out which is right.',
      expected: expectedAmounts(order.amount, order.currency, config.commission),
    };
  }
  return undefined;
}

/**
 * The payment anomaly that holds exactly this line's cash in suspense, if any: a payment that
 * changed no order (an unknown CIP, a second payment, a mismatch) was booked debit
 * `psp_receivable`, credit `suspense` when it was seen; the report is PagoEfectivo paying it.
 */
async function heldCashOf(line: ReportLine): Promise<Anomaly | undefined> {
  // Read together: only lines that changed no order get here, a few per report.
  const found = await Promise.all(suspenseAnomalyIdsFor(line).map((id) => getAnomaly(id)));
  return found.find((anomaly) => anomaly !== undefined && holdsLineCash(anomaly, line));
}

/**
 * Records a flagged line whose cash an anomaly holds in suspense, booking its arrival with it —
 * bank (net) and the PSP's fees against `psp_receivable` — so that the receivable does not keep a
 * payment the PSP has paid. Suspense, the order and its sellers are untouched: the money is still
 * to be refunded or accepted by a person. Booked once per payment, whichever line comes first.
 */
async function recordSuspenseArrival(
  settlement: Settlement,
  line: ReportLine,
  record: SettlementLineRecord,
  held: Anomaly,
): Promise<SettlementLineRecord> {
  const entry = settlementEntry(
    {
      settlementId: settlement.id,
      cip: line.cip,
      operationNumber: line.operationNumber,
      // The subject of the suspense entry it clears (ledger-integrity pairs them).
      ...(held.orderId ? { orderId: held.orderId } : {}),
      anomalyId: held.id,
      currency: line.currency,
      gross: line.gross,
      commission: line.commission,
      tax: line.tax,
      net: line.net,
      released: {},
    },
    now().toISOString(),
  );
  const booked: SettlementLineRecord = {
    ...record,
    suspenseAnomalyId: held.id,
    detail: `${record.detail} Its cash, held in suspense by anomaly ${held.id}, is booked as received from PagoEfectivo; refund it or accept it by hand.`,
  };
  const result = await recordLineWithBookings(
    settlement.id,
    booked,
    // The fixed accounts' totals move once per batch, with the batch's tally (applyReport).
    ledgerWrites(entry, { deferAccountTotals: true }),
  );
  if (result === 'recorded') return booked;
  if (result === 'line_recorded') return (await getLine(settlement.id, line.line)) ?? booked;
  // An earlier line booked this payment's arrival: this one books nothing.
  const unbooked: SettlementLineRecord = {
    ...record,
    detail: `${record.detail} Its cash, held in suspense by anomaly ${held.id}, was booked as received by an earlier line (${entry.id}).`,
  };
  if (await recordLine(settlement.id, unbooked)) return unbooked;
  return (await getLine(settlement.id, line.line)) ?? unbooked;
}
