import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '#contract/entities/indexes';
import {
  settlementEntity,
  settlementLineEntity,
  settlementUploadKeyEntity,
} from '#contract/entities/settlement';
import type { Order } from '#model/order';
import {
  AMOUNT_FIELDS,
  type Amounts,
  LINE_OUTCOMES,
  type LineOutcome,
  type Settlement,
  type SettlementLineRecord,
} from '#model/settlement';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleVersionError } from '#platform/optimistic';
import { encodeCursor, listIndexPartition, queryPage } from './cursor';
import { transitionWrites } from './orders-repository';
import { updateAnnouncing } from './outbox';
import { refundVersionCheck } from './refunds-repository';
import { cancellationCodes, type TransactItem } from './transactions';

const table = () => tableName();

/**
 * A settlement is one item (`SETTLEMENT#<id>` / `SETTLEMENT`) whose counts and totals are flat
 * numbers (`count_matched`, `total_PEN_gross`, `expected_PEN_net`, …) so that each batch of lines
 * adds to them with one atomic ADD; its lines are items of the same partition (`LINE#<n>`), and
 * a by-kind listing holds them by outcome. Every settlement is listed by import time.
 */
function settlementFromItem(item: Record<string, unknown>): Settlement {
  const amounts = (prefix: 'total' | 'expected') => {
    const byCurrency: Record<string, Amounts> = {};
    for (const [name, value] of Object.entries(item)) {
      const match = new RegExp(`^${prefix}_([A-Z]{3})_(gross|commission|tax|net)$`).exec(name);
      if (!match) continue;
      const [, currency = '', field = ''] = match;
      byCurrency[currency] ??= { gross: 0, commission: 0, tax: 0, net: 0 };
      (byCurrency[currency] as unknown as Record<string, number>)[field] = Number(value);
    }
    return byCurrency;
  };
  return {
    id: String(item.id),
    status: item.status as Settlement['status'],
    fileName: String(item.fileName),
    fileSha256: String(item.fileSha256),
    format: item.format as Settlement['format'],
    partial: item.partial === true,
    importedAt: String(item.importedAt),
    importedBy: String(item.importedBy),
    ...(item.completedAt ? { completedAt: String(item.completedAt) } : {}),
    settledOn: String(item.settledOn),
    lines: Number(item.lines),
    processedThrough: Number(item.processedThrough ?? 0),
    counts: Object.fromEntries(
      LINE_OUTCOMES.map((outcome) => [outcome, Number(item[`count_${outcome}`] ?? 0)]),
    ) as Record<LineOutcome, number>,
    totals: amounts('total'),
    expected: amounts('expected'),
    ...(item.lastError ? { lastError: item.lastError as Settlement['lastError'] } : {}),
  };
}

/**
 * Starts a settlement, or finds the one this report (by SHA-256) already started: the same file
 * twice is the same settlement, and a second upload of an interrupted one resumes it.
 */
export async function startSettlement(
  settlement: Omit<Settlement, 'counts' | 'totals' | 'expected'>,
): Promise<{ settlement: Settlement; created: boolean }> {
  const {
    counts: _c,
    totals: _t,
    expected: _e,
    ...stored
  } = { counts: 0, totals: 0, expected: 0, ...settlement };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...settlementEntity.itemKeys(settlement.id, settlement.importedAt),
          entity: settlementEntity.name,
          ...stored,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    const existing = await getSettlement(settlement.id);
    if (existing) return { settlement: existing, created: false };
    throw error;
  }
  return { settlement: (await getSettlement(settlement.id)) as Settlement, created: true };
}

export async function getSettlement(id: string): Promise<Settlement | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table(), Key: settlementEntity.key(id), ConsistentRead: true }),
  );
  return result.Item ? settlementFromItem(result.Item) : undefined;
}

/** What one batch of lines adds to its settlement. */
export interface BatchTally {
  counts: Partial<Record<LineOutcome, number>>;
  totals: Record<string, Amounts>;
  expected: Record<string, Amounts>;
}

/** Thrown when another import of the same report advanced it first (two uploads at once). */
export class SettlementMovedError extends Error {
  constructor(readonly settlementId: string) {
    super(`settlement ${settlementId} was advanced by another import`);
    this.name = 'SettlementMovedError';
  }
}

/**
 * Adds a batch's tally and moves the watermark from `from` to `to` — only if it is still at
 * `from`, so a batch counted once is never counted again (a rerun after a crash recounts the
 * batch from its stored lines before it gets here).
 */
export async function advanceSettlement(
  id: string,
  from: number,
  to: number,
  tally: BatchTally,
  /** Writes that must happen exactly once per batch, with the watermark (the ledger's account totals). */
  alongside: TransactItem[] = [],
): Promise<void> {
  const adds: [string, number][] = [
    ...Object.entries(tally.counts).map(([outcome, count]): [string, number] => [
      `count_${outcome}`,
      count ?? 0,
    ]),
    ...(['totals', 'expected'] as const).flatMap((kind) =>
      Object.entries(tally[kind]).flatMap(([currency, amounts]) =>
        AMOUNT_FIELDS.map((field): [string, number] => [
          `${kind === 'totals' ? 'total' : 'expected'}_${currency}_${field}`,
          amounts[field],
        ]),
      ),
    ),
  ].filter(([, amount]) => amount !== 0);
  const update = {
    TableName: table(),
    Key: settlementEntity.key(id),
    UpdateExpression: `SET processedThrough = :to${adds.length ? ` ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')}` : ''}`,
    ConditionExpression: 'processedThrough = :from',
    ...(adds.length
      ? { ExpressionAttributeNames: Object.fromEntries(adds.map(([name], i) => [`#a${i}`, name])) }
      : {}),
    ExpressionAttributeValues: {
      ':from': from,
      ':to': to,
      ...Object.fromEntries(adds.map(([, amount], i) => [`:a${i}`, amount])),
    },
  };
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...alongside] }));
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw new SettlementMovedError(id);
    throw error;
  }
}

/** Marks the settlement complete and announces `settlement.completed` (the summary), once. */
export async function completeSettlement(
  settlement: Settlement,
  at: string,
  summary: Record<string, unknown>,
) {
  const key = settlementEntity.key(settlement.id);
  try {
    await updateAnnouncing(
      {
        Key: key,
        UpdateExpression: 'SET #status = :done, completedAt = :at REMOVE lastError',
        ConditionExpression: '#status = :importing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'COMPLETED', ':importing': 'IMPORTING', ':at': at },
      },
      { subject: key.pk, sequence: 1, type: 'settlement.completed', occurredAt: at, data: summary },
    );
  } catch (error) {
    // Completed meanwhile by the other import of the same report: nothing left to do.
    if (cancellationCodes(error) === undefined) throw error;
  }
}

/**
 * Notes why an import attempt stopped early, on a settlement still IMPORTING: the API shows it,
 * and posting the same file again resumes from the watermark (and clears it on completion).
 */
export async function recordImportFailure(id: string, failure: NonNullable<Settlement['lastError']>) {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: settlementEntity.key(id),
        UpdateExpression: 'SET lastError = :failure',
        ConditionExpression: '#status = :importing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failure': failure, ':importing': 'IMPORTING' },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}

function lineItem(settlementId: string, line: SettlementLineRecord): Record<string, unknown> {
  return {
    ...settlementLineEntity.itemKeys(settlementId, line.line, line.outcome),
    entity: settlementLineEntity.name,
    ...line,
  };
}

const lineFromItem = (item: Record<string, unknown>) => withoutKeys<SettlementLineRecord>(item);

/** A line's record, written once: the put every way of recording a line makes. */
const linePut = (settlementId: string, line: SettlementLineRecord) => ({
  TableName: table(),
  Item: lineItem(settlementId, line),
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** A line's record, written once: false if this line was recorded before (a resumed import). */
export async function recordLine(settlementId: string, line: SettlementLineRecord): Promise<boolean> {
  try {
    await dynamo().send(new PutCommand(linePut(settlementId, line)));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * A flagged line that books the arrival of cash held in suspense: the line's record and the
 * booking, all or nothing. 'line_recorded': this line was recorded before (a resumed import);
 * 'booked_before': an earlier line (of this or another report) booked this payment's arrival.
 */
export async function recordLineWithBookings(
  settlementId: string,
  line: SettlementLineRecord,
  bookings: TransactItem[],
): Promise<'recorded' | 'line_recorded' | 'booked_before'> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [{ Put: linePut(settlementId, line) }, ...bookings],
      }),
    );
    return 'recorded';
  } catch (error) {
    // Read by position: the line, then the journal entry. Anything else (a transaction conflict)
    // is thrown, and the import retries; read as "booked before" it would leave the cash unbooked.
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') return 'line_recorded';
    if (codes?.[1] === 'ConditionalCheckFailed') return 'booked_before';
    throw error;
  }
}

export async function getLine(settlementId: string, line: number): Promise<SettlementLineRecord | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: settlementLineEntity.key(settlementId, line),
      ConsistentRead: true,
    }),
  );
  return result.Item ? lineFromItem(result.Item) : undefined;
}

export class StaleSettlementLineError extends StaleVersionError {
  constructor() {
    super('the order or one of its refunds changed meanwhile');
    this.name = 'StaleSettlementLineError';
  }
}
export class LineRecordedError extends Error {
  constructor() {
    super('this line was recorded before');
    this.name = 'LineRecordedError';
  }
}

/**
 * Settles an order: the order with its `settlement` (and `order.settled`), the ledger's booking,
 * and the line's record, all or nothing. Conditional on the order's version and on every refund
 * of the order still being as read (the sellers' released shares depend on them).
 */
export async function saveSettledLine(input: {
  previous: Order;
  next: Order;
  /** The `order.settled` payload, presented by the use case. */
  eventData: Record<string, unknown>;
  settlementId: string;
  line: SettlementLineRecord;
  bookings: TransactItem[];
  extra: TransactItem[];
  refundChecks: { id: string; version: number }[];
}): Promise<void> {
  const items: TransactItem[] = [
    ...transitionWrites(input.previous, input.next, input.eventData, 'order.settled'),
    { Put: linePut(input.settlementId, input.line) },
    ...input.refundChecks.map(refundVersionCheck),
    ...input.extra,
    ...input.bookings,
  ];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes === undefined) throw error;
    if (codes[2] === 'ConditionalCheckFailed') throw new LineRecordedError();
    throw new StaleSettlementLineError();
  }
}

export function listSettlements(limit: number, cursor?: string) {
  const { indexes, all } = settlementEntity;
  return listIndexPartition({ index: indexes.all, partition: all, limit, cursor, from: settlementFromItem });
}

/** A settlement's lines in file order; by outcome through their listing (keys only, then BatchGet). */
export async function listLines(
  settlementId: string,
  filter: { outcome?: LineOutcome; limit: number; cursor?: string },
) {
  if (filter.outcome === undefined) {
    const page = await queryPage(
      {
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': settlementEntity.key(settlementId).pk,
          ':prefix': settlementLineEntity.sortPrefix,
        },
        Limit: filter.limit,
      },
      filter.cursor,
    );
    return { items: (page.Items ?? []).map(lineFromItem), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }
  return listIndexPartition({
    index: settlementLineEntity.indexes.byOutcome,
    partition: settlementLineEntity.byOutcome(settlementId, filter.outcome),
    limit: filter.limit,
    cursor: filter.cursor,
    ascending: true,
    from: lineFromItem,
  });
}

/**
 * Binds an `Idempotency-Key` to the report it first came with: the same key with another file
 * is the caller's mistake (false), not a second settlement.
 */
export async function claimUploadKey(key: string, sha256: string, at: string): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...settlementUploadKeyEntity.key(key),
          entity: settlementUploadKeyEntity.name,
          sha256,
          at,
          ttl: Math.floor(Date.parse(at) / 1000) + 7 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR sha256 = :sha',
        ExpressionAttributeValues: { ':sha': sha256 },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
