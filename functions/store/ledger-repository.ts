import { GetCommand, TransactGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accountTotalEntity } from '#contract/entities/account-total';
import { withoutKeys } from '#contract/entities/indexes';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { sellerLedgerLineEntity } from '#contract/entities/seller-ledger-line';
import {
  ALL_SELLERS_ACCOUNT,
  FIXED_ACCOUNTS,
  type JournalEntry,
  type SellerBucket,
  type SellerMoves,
  sellerOf,
} from '#model/journal';
import { CURRENCIES } from '#model/money';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { encodeCursor, queryPage } from './cursor';
import type { TransactItem } from './transactions';

/**
 * Where the ledger lives in the single table (docs/ledger.md):
 * - `JOURNAL#<entryId>` / `ENTRY`: the entry, written once (`attribute_not_exists`), never changed;
 * - `ACCOUNT#<account>` / `BALANCE`: running totals per currency (`balance_PEN`, …), for the
 *   trial balance; every seller's account is summed in `ACCOUNT#seller_payable`;
 * - `BALANCE#<sellerId>` / `BALANCE`: what a seller is owed, per currency and bucket
 *   (`pending_PEN`, `available_PEN`, `reservedForRefunds_PEN`, `paidOut_PEN`): one GetItem;
 * - `SELLER_LEDGER#<sellerId>` / `<at>#<entryId>`: the seller's lines, newest first.
 * Totals move with DynamoDB's atomic ADD in the same transaction as the entry and the change that
 * caused it: no lost update, and no entry without its balances (or the reverse).
 */
const entryKey = journalEntryEntity.key;
const accountKey = accountTotalEntity.key;
const sellerBalanceKey = sellerBalanceEntity.key;

const add = (Key: Record<string, string>, attribute: string, amount: number): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key,
    UpdateExpression: 'ADD #amount :amount',
    ExpressionAttributeNames: { '#amount': attribute },
    ExpressionAttributeValues: { ':amount': amount },
  },
});

/** For a payment's transaction: no payment is held in suspense under `key` (checked, not written). */
export function noHeldPaymentCheck(key: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: journalEntryEntity.key(`unmatched_payment:${key}`),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * The anomaly whose payment is held in suspense under `key` (a CIP's, or a wallet option's, paid
 * at another amount or currency: `unmatchedPaymentEntry`'s key), or undefined when none is.
 */
export async function heldPaymentAnomaly(key: string): Promise<string | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: journalEntryEntity.key(`unmatched_payment:${key}`),
      ProjectionExpression: 'anomalyId',
      ConsistentRead: true,
    }),
  );
  const anomalyId = result.Item?.anomalyId;
  return typeof anomalyId === 'string' ? anomalyId : undefined;
}

/**
 * The writes that book `entry`: to ride in the transaction of the change that causes it. With
 * `deferAccountTotals`, the fixed accounts' running totals are left to the caller, who adds a
 * whole batch's at once (`accountTotalWrites`): a settlement report's lines would otherwise all
 * update the same four items, one transaction each (hot items, transaction conflicts).
 */
export function ledgerWrites(
  entry: JournalEntry & { sellerMoves?: SellerMoves },
  options: { deferAccountTotals?: boolean; sellerBalancesByCaller?: boolean } = {},
): TransactItem[] {
  const TableName = tableName();
  const { sellerMoves: explicitMoves, ...stored } = entry;
  const items: TransactItem[] = [
    {
      Put: {
        TableName,
        Item: {
          ...entryKey(entry.id),
          ...journalEntryEntity.ledgerKeys(entry),
          entity: journalEntryEntity.name,
          ...stored,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  let sellersTotal = 0;
  // What each seller is owed, by bucket. By default a seller's credit is owed and pending (unsettled).
  const moves: SellerMoves = explicitMoves ?? {};
  for (const line of entry.lines) {
    const sellerId = sellerOf(line.account);
    if (sellerId === undefined) {
      if (!options.deferAccountTotals)
        items.push(add(accountKey(line.account), `balance_${entry.currency}`, line.amount));
      continue;
    }
    sellersTotal += line.amount;
    if (!explicitMoves) moves[sellerId] = { pending: -line.amount };
    items.push(sellerLine(entry, sellerId, -line.amount, lineBucket(explicitMoves?.[sellerId])));
  }
  // Money that becomes available without a journal line of the seller's (a settlement releasing
  // it): the seller's ledger still shows it, so a payout can list what it pays line by line.
  for (const [sellerId, buckets] of Object.entries(explicitMoves ?? {})) {
    const released = buckets.available ?? 0;
    if (released === 0 || entry.lines.some((line) => sellerOf(line.account) === sellerId)) continue;
    items.push(sellerLine(entry, sellerId, released, 'available'));
  }
  for (const [sellerId, buckets] of Object.entries(moves)) {
    const changes = Object.entries(buckets).filter(([, amount]) => amount !== undefined && amount !== 0);
    // A caller that writes the balance item itself (it changes more than buckets) moves them there:
    // one transaction may not touch an item twice.
    if (changes.length === 0 || options.sellerBalancesByCaller) continue;
    items.push(sellerBalanceUpdate(sellerId, entry.currency, Object.fromEntries(changes), entry.at));
  }
  if (sellersTotal !== 0)
    items.push(add(accountKey(ALL_SELLERS_ACCOUNT), `balance_${entry.currency}`, sellersTotal));
  return items;
}

/**
 * Running totals of fixed accounts, per currency (see `deferAccountTotals`): one update per
 * account, adding every currency's amount at once — a transaction may touch an item only once, so
 * a report with PEN and USD lines cannot update `ACCOUNT#bank` once per currency (decision 72).
 */
export function accountTotalWrites(totals: Record<string, Partial<Record<string, number>>>): TransactItem[] {
  const byAccount = new Map<string, [string, number][]>();
  for (const [currency, accounts] of Object.entries(totals)) {
    for (const [account, amount] of Object.entries(accounts)) {
      if (amount === undefined || amount === 0) continue;
      byAccount.set(account, [...(byAccount.get(account) ?? []), [`balance_${currency}`, amount]]);
    }
  }
  return [...byAccount].map(([account, amounts]) => addAll(accountKey(account), amounts));
}

const addAll = (Key: Record<string, string>, amounts: [string, number][]): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key,
    UpdateExpression: `ADD ${amounts.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(amounts.map(([attribute], i) => [`#a${i}`, attribute])),
    ExpressionAttributeValues: Object.fromEntries(amounts.map(([, amount], i) => [`:a${i}`, amount])),
  },
});

/** A line of a seller's own ledger (`GET /v1/sellers/{id}/ledger`), naming what caused it. */
function sellerLine(
  entry: JournalEntry,
  sellerId: string,
  amount: number,
  bucket: SellerBucket,
): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...sellerLedgerLineEntity.key(sellerId, entry.at, entry.id),
        entity: sellerLedgerLineEntity.name,
        entryId: entry.id,
        at: entry.at,
        reason: entry.reason,
        currency: entry.currency,
        amount,
        bucket,
        ...(entry.orderId ? { orderId: entry.orderId } : {}),
        ...(entry.refundId ? { refundId: entry.refundId } : {}),
        ...(entry.payoutId ? { payoutId: entry.payoutId } : {}),
        ...(entry.settlementId ? { settlementId: entry.settlementId } : {}),
      },
    },
  };
}

/** Where a seller's journal line lands, by the buckets the entry moves (pending unless it says). */
function lineBucket(moves: Partial<Record<SellerBucket, number>> | undefined): SellerBucket {
  if (moves?.paidOut) return 'paidOut';
  if (moves?.available) return 'available';
  return 'pending';
}

/**
 * Moves a seller's buckets by atomic ADD. Money becoming available also puts the balance on the
 * payout-due queue (`PAYOUT_DUE#<bucket>`, sorted by since when it has had some): the payout
 * job reads only sellers who have had available money for the holding period. Kept on the index
 * until a payout takes it all (payouts-repository).
 */
export function sellerBalanceUpdate(
  sellerId: string,
  currency: string,
  changes: Partial<Record<SellerBucket, number>>,
  at: string,
  more: {
    condition?: string;
    set?: string[];
    remove?: string[];
    names?: Record<string, string>;
    values?: Record<string, unknown>;
  } = {},
): TransactItem {
  const entries = Object.entries(changes).filter(([, amount]) => amount !== undefined && amount !== 0);
  const becomesAvailable = (changes.available ?? 0) > 0;
  const payoutDue = sellerBalanceEntity.payoutDueKeys(sellerId, at);
  const { partitionKey: duePk, sortKey: dueSk } = sellerBalanceEntity.indexes.payoutDue;
  const sets = [
    'sellerId = :seller',
    ...(becomesAvailable
      ? [`${duePk} = if_not_exists(${duePk}, :duePk)`, `${dueSk} = if_not_exists(${dueSk}, :dueSk)`]
      : []),
    ...(more.set ?? []),
  ];
  const names = {
    ...Object.fromEntries(entries.map(([bucket], i) => [`#b${i}`, `${bucket}_${currency}`])),
    ...more.names,
  };
  return {
    Update: {
      TableName: tableName(),
      Key: sellerBalanceKey(sellerId),
      UpdateExpression: [
        `SET ${sets.join(', ')}`,
        entries.length ? `ADD ${entries.map((_, i) => `#b${i} :b${i}`).join(', ')}` : '',
        more.remove?.length ? `REMOVE ${more.remove.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' '),
      ...(more.condition ? { ConditionExpression: more.condition } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: {
        ':seller': sellerId,
        ...(becomesAvailable ? { ':duePk': payoutDue[duePk], ':dueSk': payoutDue[dueSk] } : {}),
        ...Object.fromEntries(entries.map(([, amount], i) => [`:b${i}`, amount])),
        ...more.values,
      },
    },
  };
}

/** Off the payout job's index once nothing is available in any currency (a no-op otherwise). */
export async function leaveDueIndexIfEmpty(sellerId: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: sellerBalanceKey(sellerId),
        UpdateExpression: `REMOVE ${sellerBalanceEntity.indexes.payoutDue.partitionKey}, ${sellerBalanceEntity.indexes.payoutDue.sortKey}`,
        ConditionExpression: CURRENCIES.map(
          (currency) => `(attribute_not_exists(available_${currency}) OR available_${currency} <= :zero)`,
        ).join(' AND '),
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}

/** A seller's balance item as stored: buckets per currency, payout markers, bank account state. */
export async function getSellerBalanceItem(sellerId: string): Promise<Record<string, unknown>> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: sellerBalanceKey(sellerId), ConsistentRead: true }),
  );
  return result.Item ?? {};
}

/** The buckets of one currency from a balance item. */
export function balanceIn(item: Record<string, unknown>, currency: string): SellerBalance {
  const read = (bucket: SellerBucket) => Number(item[`${bucket}_${currency}`] ?? 0);
  return {
    currency,
    pending: read('pending'),
    available: read('available'),
    reservedForRefunds: read('reservedForRefunds'),
    inTransit: read('inTransit'),
    paidOut: read('paidOut'),
  };
}

/** Whether a transaction failed because `entry` was booked already (its index in the items). */
export const LEDGER_ENTRY_OFFSET = 0;

export interface SellerBalance {
  currency: string;
  pending: number;
  available: number;
  reservedForRefunds: number;
  inTransit: number;
  paidOut: number;
}

export async function getSellerBalance(sellerId: string): Promise<SellerBalance[]> {
  const item = await getSellerBalanceItem(sellerId);
  const buckets = /^(pending|available|reservedForRefunds|inTransit|paidOut)_([A-Z]{3})$/;
  return CURRENCIES.filter((currency) =>
    Object.keys(item).some((name) => buckets.exec(name)?.[2] === currency),
  ).map((currency) => balanceIn(item, currency));
}

export async function listSellerLedger(sellerId: string, limit: number, cursor?: string) {
  const page = await queryPage(
    {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': sellerLedgerLineEntity.partition(sellerId) },
      ScanIndexForward: false,
      Limit: limit,
    },
    cursor,
  );
  const items = (page.Items ?? []).map((item) => withoutKeys<Record<string, unknown>>(item));
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/** Every account's total in a currency; they sum to zero (the sellers' accounts as one line). */
export async function trialBalance(currency: string) {
  const TableName = tableName();
  const names = [...FIXED_ACCOUNTS, ALL_SELLERS_ACCOUNT];
  // One transactional read: a snapshot no concurrent booking can be half-seen in.
  const result = await dynamo().send(
    new TransactGetCommand({
      TransactItems: names.map((name) => ({ Get: { TableName, Key: accountKey(name) } })),
    }),
  );
  const totals = new Map<string, number>();
  for (const { Item: item } of result.Responses ?? []) {
    if (item)
      totals.set(accountTotalEntity.accountOf(String(item.pk)), Number(item[`balance_${currency}`] ?? 0));
  }
  const accounts = names.map((account) => ({ account, balance: totals.get(account) ?? 0 }));
  return { currency, accounts, total: accounts.reduce((sum, line) => sum + line.balance, 0) };
}
