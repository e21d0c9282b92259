import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import {
  compareTotals,
  emptyIntegrityState,
  foldEntry,
  type IntegrityDifference,
  sellersIn,
} from '#model/ledger-integrity';
import { CURRENCIES } from '#model/money';
import { now } from '#platform/clock';
import { limaWallClock } from '#platform/lima-time';
import { logger, metrics } from '#platform/powertools';
import {
  completeIntegrityPass,
  type IntegrityReport,
  type IntegrityRun,
  loadIntegrityReport,
  loadIntegrityRun,
  queryLedgerPage,
  readStoredTotals,
  saveIntegrityRun,
} from '#store/ledger-integrity-repository';

/** Entries per Query page: one page is ~1 read unit per 4 KB of entries (eventually consistent: half). */
const PAGE = 250;

export interface IntegritySummary {
  /** `idle`: today's pass is done; `running`: stopped for time, the next run resumes; `completed`: finished now. */
  status: 'idle' | 'running' | 'completed';
  passId?: string;
  /** This invocation's reading. */
  itemsRead: number;
  pages: number;
  readUnits: number;
  report?: IntegrityReport;
}

const limaDay = (at: Date | string) => limaWallClock(new Date(at)).toISOString().slice(0, 10);

/** A difference's identity across passes: what, where, and by how much (not the figures, which move). */
const gapOf = (difference: IntegrityDifference) =>
  [
    difference.check,
    difference.account ?? difference.orderId ?? difference.entryId ?? '',
    difference.currency,
    difference.actual - difference.expected,
  ].join('|');

/**
 * The ledger proves itself every day (docs/ledger.md, "Integrity"). A pass reads the whole journal
 * from the ledger index (`LEDGER#<b>` on the queue index, each entry once), keeps running sums, then compares them
 * with the stored totals (ledger/integrity.ts says what must hold). Each invocation reads pages
 * until its time is nearly up and checkpoints the cursor and the sums in `INTEGRITY#ledger` / `RUN`;
 * the next invocation resumes there. The schedule runs often; a new pass starts on the first run of
 * each Lima day (or when `newPass` asks), and at once after a pass that found differences: only a
 * difference found again, with the same gap, by the next pass is confirmed (a booking racing the
 * pass is not). A finished pass replaces the report, emits `LedgerIntegrityDifferences` (the
 * confirmed ones; alarmed above 0) and, when any is confirmed, announces `ledger.integrity_failed`
 * naming the first.
 */
export async function checkLedgerIntegrity(options: {
  hasTimeLeft: () => boolean;
  newPass?: boolean;
}): Promise<IntegritySummary> {
  const at = now();
  let run = options.newPass ? undefined : await loadIntegrityRun();
  const previous = run ? undefined : await loadIntegrityReport();
  if (!run) {
    // Unconfirmed differences are checked again at once; otherwise one pass per Lima day.
    const unconfirmed = previous !== undefined && !previous.ok && !previous.confirmed;
    if (!options.newPass && previous && !unconfirmed && limaDay(previous.startedAt) === limaDay(at)) {
      return { status: 'idle', passId: previous.passId, itemsRead: 0, pages: 0, readUnits: 0 };
    }
    run = {
      passId: `lip_${at.toISOString().replace(/[-:.]/g, '')}_${randomUUID().slice(0, 8)}`,
      startedAt: at.toISOString(),
      bucket: 0,
      state: emptyIntegrityState(),
      itemsRead: 0,
      pages: 0,
      readUnits: 0,
      invocations: 0,
    };
  }
  const current: IntegrityRun = { ...run, invocations: run.invocations + 1 };
  const summary: IntegritySummary = {
    status: 'running',
    passId: current.passId,
    itemsRead: 0,
    pages: 0,
    readUnits: 0,
  };
  while (current.bucket < journalEntryEntity.buckets) {
    // At least one page per invocation, so even a tiny budget moves the pass on.
    if (summary.pages > 0 && !options.hasTimeLeft()) {
      await saveIntegrityRun(current, now().toISOString());
      return summary;
    }
    const page = await queryLedgerPage(current.bucket, { limit: PAGE, startKey: current.startKey });
    for (const entry of page.entries) foldEntry(current.state, entry, journalEntryEntity.subjectOf);
    summary.pages++;
    summary.itemsRead += page.entries.length;
    summary.readUnits += page.readUnits;
    current.pages++;
    current.itemsRead += page.entries.length;
    current.readUnits += page.readUnits;
    if (page.nextKey) current.startKey = page.nextKey;
    else {
      current.bucket++;
      delete current.startKey;
    }
  }
  const stored = await readStoredTotals(sellersIn(current.state));
  const { differenceCount, differences } = compareTotals(current.state, stored, CURRENCIES);
  // The pass before this one (read when this pass started, or now if it resumed).
  const before = previous ?? (await loadIntegrityReport());
  const seenBefore = new Set(before?.ok === false ? before.differences.map(gapOf) : []);
  const confirmed = differences.filter((difference) => seenBefore.has(gapOf(difference)));
  const report: IntegrityReport = {
    passId: current.passId,
    startedAt: current.startedAt,
    finishedAt: now().toISOString(),
    itemsRead: current.itemsRead,
    pages: current.pages,
    readUnits: current.readUnits,
    invocations: current.invocations,
    ok: differenceCount === 0,
    confirmed: confirmed.length > 0,
    differenceCount,
    confirmedCount: confirmed.length,
    firstDifference: confirmed[0] ?? differences[0] ?? null,
    differences,
  };
  await completeIntegrityPass(report);
  metrics.addMetric('LedgerIntegrityDifferences', MetricUnit.Count, confirmed.length);
  if (report.confirmed) logger.error('ledger integrity: differences confirmed', { report });
  else if (!report.ok) logger.warn('ledger integrity: differences found, to be confirmed', { report });
  return { ...summary, status: 'completed', report };
}
