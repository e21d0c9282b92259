import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { accountTotalEntity } from '#contract/entities/account-total';
import { withoutKeys } from '#contract/entities/indexes';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { ledgerIntegrityEntity } from '#contract/entities/ledger-integrity';
import { payoutEntity } from '#contract/entities/payout';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { ALL_SELLERS_ACCOUNT, FIXED_ACCOUNTS, type JournalEntry } from '#model/journal';
import {
  type IntegrityDifference,
  type IntegrityState,
  type StoredTotals,
  slot,
} from '#model/ledger-integrity';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { fetchFullItems, indexQuery } from './cursor';
import { outboxPut } from './outbox';
import type { TransactItem } from './transactions';

/** One page of the ledger queue (`LEDGER#<bucket>`, whole items): each entry read once. */
export async function queryLedgerPage(
  bucket: number,
  options: { limit: number; startKey?: Record<string, unknown> | undefined },
): Promise<{ entries: JournalEntry[]; nextKey?: Record<string, unknown>; readUnits: number }> {
  const result = await dynamo().send(
    new QueryCommand({
      ...indexQuery(journalEntryEntity.indexes.ledger, journalEntryEntity.ledger(bucket)),
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  return {
    entries: (result.Items ?? []) as JournalEntry[],
    ...(result.LastEvaluatedKey ? { nextKey: result.LastEvaluatedKey } : {}),
    readUnits: result.ConsumedCapacity?.CapacityUnits ?? 0,
  };
}

/** A pass in progress: where it stopped and what it has summed so far. */
export interface IntegrityRun {
  passId: string;
  startedAt: string;
  bucket: number;
  startKey?: Record<string, unknown>;
  state: IntegrityState;
  itemsRead: number;
  pages: number;
  readUnits: number;
  invocations: number;
}

/** A completed pass, as `GET /v1/ledger/integrity` shows it. */
export interface IntegrityReport {
  passId: string;
  startedAt: string;
  finishedAt: string;
  itemsRead: number;
  pages: number;
  readUnits: number;
  invocations: number;
  /** Nothing differs. */
  ok: boolean;
  /**
   * Differences also found, with the same gap, by the pass before: those are alarmed and announced.
   * A difference seen once may be a booking that landed between the read of its entries and the
   * read of the totals; the next run starts a confirming pass at once (decision 80).
   */
  confirmed: boolean;
  differenceCount: number;
  confirmedCount: number;
  /** The first confirmed difference, else the first difference. */
  firstDifference: IntegrityDifference | null;
  differences: IntegrityDifference[];
}

/**
 * The running sums travel gzipped: they grow with the number of sellers (a few numbers each per
 * currency), and an item holds 400 KB (decision 80).
 */
export async function loadIntegrityRun(): Promise<IntegrityRun | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: ledgerIntegrityEntity.run(), ConsistentRead: true }),
  );
  const item = result.Item;
  if (item?.status !== 'running') return undefined;
  const { state, startKey, status: _status, ...run } = withoutKeys<Record<string, unknown>>(item);
  return {
    ...(run as Omit<IntegrityRun, 'state' | 'startKey'>),
    ...(startKey ? { startKey: startKey as Record<string, unknown> } : {}),
    state: JSON.parse(gunzipSync(state as Uint8Array).toString('utf8')) as IntegrityState,
  };
}

export async function saveIntegrityRun(run: IntegrityRun, at: string): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: runItem(run, at) }));
}

function runItem(run: IntegrityRun, at: string): Record<string, unknown> {
  const { state, ...rest } = run;
  return {
    ...ledgerIntegrityEntity.run(),
    entity: ledgerIntegrityEntity.name,
    status: 'running',
    ...rest,
    state: gzipSync(JSON.stringify(state)),
    updatedAt: at,
  };
}

/** The run item, whatever its status: for the report's "in progress" part. */
export async function integrityProgress(): Promise<Omit<IntegrityRun, 'state' | 'startKey'> | undefined> {
  const run = await loadIntegrityRun();
  if (!run) return undefined;
  const { state: _state, startKey: _startKey, ...progress } = run;
  return progress;
}

export async function loadIntegrityReport(): Promise<IntegrityReport | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: ledgerIntegrityEntity.report(), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  return withoutKeys<IntegrityReport>(result.Item);
}

/**
 * What the journal is compared with: the account totals (one transactional read, a consistent
 * snapshot), every seller's balance item (BatchGet, one read each) and the approved, unpaid payouts
 * (`PAYOUT_STATUS#APPROVED`, a handful).
 */
export async function readStoredTotals(sellerIds: readonly string[]): Promise<StoredTotals> {
  const TableName = tableName();
  const names = [...FIXED_ACCOUNTS, ALL_SELLERS_ACCOUNT];
  const accounts: StoredTotals['accounts'] = {};
  const totals = await dynamo().send(
    new TransactGetCommand({
      TransactItems: names.map((name) => ({ Get: { TableName, Key: accountTotalEntity.key(name) } })),
    }),
  );
  for (const { Item: item } of totals.Responses ?? []) {
    if (item) accounts[accountTotalEntity.accountOf(String(item.pk))] = currencyFields(item, 'balance');
  }
  const sellers: StoredTotals['sellers'] = {};
  const items = await fetchFullItems(sellerIds.map((id) => sellerBalanceEntity.key(id)));
  for (const item of items) {
    const byCurrency: Record<string, Record<string, number>> = {};
    for (const [name, value] of Object.entries(item)) {
      const match = /^(pending|available|reservedForRefunds|inTransit|paidOut)_([A-Z]{3})$/.exec(name);
      if (match?.[1] && match[2])
        slot(byCurrency, match[2], (): Record<string, number> => ({}))[match[1]] = Number(value);
    }
    sellers[String(item.sellerId)] = byCurrency;
  }
  const inTransit: StoredTotals['inTransit'] = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        ...indexQuery(payoutEntity.indexes.byStatus, payoutEntity.byStatus('APPROVED')),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const payout of await fetchFullItems(page.Items ?? [])) {
      if (payout.status !== 'APPROVED') continue;
      const bySeller = slot(inTransit, String(payout.sellerId), (): Record<string, number> => ({}));
      const currency = String(payout.currency);
      bySeller[currency] = (bySeller[currency] ?? 0) + Number(payout.amount);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { accounts, sellers, inTransit };
}

function currencyFields(item: Record<string, unknown>, prefix: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(item)
      .filter(([name]) => name.startsWith(`${prefix}_`))
      .map(([name, value]) => [name.slice(prefix.length + 1), Number(value)]),
  );
}

/**
 * The pass is over: its report replaces the previous one, the run item is cleared, and — if the
 * ledger disagrees with itself, confirmed by two passes — `ledger.integrity_failed` is announced,
 * all in one transaction.
 */
export async function completeIntegrityPass(report: IntegrityReport): Promise<void> {
  const TableName = tableName();
  const items: TransactItem[] = [
    {
      Put: {
        TableName,
        Item: { ...ledgerIntegrityEntity.report(), entity: ledgerIntegrityEntity.name, ...report },
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...ledgerIntegrityEntity.run(),
          entity: ledgerIntegrityEntity.name,
          status: 'idle',
          lastPassId: report.passId,
          updatedAt: report.finishedAt,
        },
      },
    },
  ];
  if (report.confirmed) {
    const { differences: _all, ...summary } = report;
    // A pass completes once: a retried completion must not announce it twice.
    items.push(
      outboxPut({
        subject: ledgerIntegrityEntity.passSubject(report.passId),
        sequence: 1,
        type: 'ledger.integrity_failed',
        occurredAt: report.finishedAt,
        data: summary,
      }),
    );
  }
  await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
}

/** Where a stored journal entry came from, for the index grouping (kept with the entity's keys). */
export const ledgerSubjectOf = journalEntryEntity.subjectOf;
