import { GetCommand, TransactGetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  ALL_SELLERS_ACCOUNT,
  FIXED_ACCOUNTS,
  type JournalEntry,
  type SellerMoves,
  sellerOf,
} from '../ledger/journal';
import { CURRENCIES } from '../orders/money';
import { dynamo } from '../platform/aws';
import { config } from '../platform/config';
import { encodeCursor, queryPage } from './cursor';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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
const entryKey = (id: string) => ({ pk: `JOURNAL#${id}`, sk: 'ENTRY' });
const accountKey = (account: string) => ({ pk: `ACCOUNT#${account}`, sk: 'BALANCE' });
const sellerBalanceKey = (sellerId: string) => ({ pk: `BALANCE#${sellerId}`, sk: 'BALANCE' });
const sellerLedgerPartition = (sellerId: string) => `SELLER_LEDGER#${sellerId}`;

const add = (Key: Record<string, string>, attribute: string, amount: number): TransactItem => ({
  Update: {
    TableName: config().TABLE_NAME,
    Key,
    UpdateExpression: 'ADD #amount :amount',
    ExpressionAttributeNames: { '#amount': attribute },
    ExpressionAttributeValues: { ':amount': amount },
  },
});

/**
 * The writes that book `entry`: to ride in the transaction of the change that causes it. With
 * `deferAccountTotals`, the fixed accounts' running totals are left to the caller, who adds a
 * whole batch's at once (`accountTotalWrites`): a settlement report's lines would otherwise all
 * update the same four items, one transaction each (hot items, transaction conflicts).
 */
export function ledgerWrites(
  entry: JournalEntry & { sellerMoves?: SellerMoves },
  options: { deferAccountTotals?: boolean } = {},
): TransactItem[] {
  const TableName = config().TABLE_NAME;
  const { sellerMoves: explicitMoves, ...stored } = entry;
  const items: TransactItem[] = [
    {
      Put: {
        TableName,
        Item: { ...entryKey(entry.id), entity: 'journal-entry', ...stored },
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
    items.push({
      Put: {
        TableName,
        Item: {
          pk: sellerLedgerPartition(sellerId),
          sk: `${entry.at}#${entry.id}`,
          entity: 'seller-ledger-line',
          entryId: entry.id,
          at: entry.at,
          reason: entry.reason,
          currency: entry.currency,
          amount: -line.amount,
          bucket: 'pending',
          ...(entry.orderId ? { orderId: entry.orderId } : {}),
          ...(entry.refundId ? { refundId: entry.refundId } : {}),
        },
      },
    });
  }
  for (const [sellerId, buckets] of Object.entries(moves)) {
    const changes = Object.entries(buckets).filter(([, amount]) => amount !== undefined && amount !== 0);
    if (changes.length === 0) continue;
    items.push({
      Update: {
        TableName,
        Key: sellerBalanceKey(sellerId),
        UpdateExpression: `ADD ${changes.map((_, i) => `#b${i} :b${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(
          changes.map(([bucket], i) => [`#b${i}`, `${bucket}_${entry.currency}`]),
        ),
        ExpressionAttributeValues: Object.fromEntries(changes.map(([, amount], i) => [`:b${i}`, amount])),
      },
    });
  }
  if (sellersTotal !== 0)
    items.push(add(accountKey(ALL_SELLERS_ACCOUNT), `balance_${entry.currency}`, sellersTotal));
  return items;
}

/** Running totals of fixed accounts, per currency: one ADD per account (see `deferAccountTotals`). */
export function accountTotalWrites(totals: Record<string, Partial<Record<string, number>>>): TransactItem[] {
  return Object.entries(totals).flatMap(([currency, accounts]) =>
    Object.entries(accounts)
      .filter(([, amount]) => amount !== undefined && amount !== 0)
      .map(([account, amount]) => add(accountKey(account), `balance_${currency}`, amount as number)),
  );
}

/** Whether a transaction failed because `entry` was booked already (its index in the items). */
export const LEDGER_ENTRY_OFFSET = 0;

export interface SellerBalance {
  currency: string;
  pending: number;
  available: number;
  reservedForRefunds: number;
  paidOut: number;
}

export async function getSellerBalance(sellerId: string): Promise<SellerBalance[]> {
  const result = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: sellerBalanceKey(sellerId), ConsistentRead: true }),
  );
  const item = result.Item ?? {};
  return CURRENCIES.filter((currency) => Object.keys(item).some((name) => name.endsWith(`_${currency}`))).map(
    (currency) => ({
      currency,
      pending: Number(item[`pending_${currency}`] ?? 0),
      available: Number(item[`available_${currency}`] ?? 0),
      reservedForRefunds: Number(item[`reservedForRefunds_${currency}`] ?? 0),
      paidOut: Number(item[`paidOut_${currency}`] ?? 0),
    }),
  );
}

export async function listSellerLedger(sellerId: string, limit: number, cursor?: string) {
  const page = await queryPage(
    {
      TableName: config().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': sellerLedgerPartition(sellerId) },
      ScanIndexForward: false,
      Limit: limit,
    },
    cursor,
  );
  const items = (page.Items ?? []).map(({ pk: _pk, sk: _sk, entity: _entity, ...line }) => line);
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/** Every account's total in a currency; they sum to zero (the sellers' accounts as one line). */
export async function trialBalance(currency: string) {
  const TableName = config().TABLE_NAME;
  const names = [...FIXED_ACCOUNTS, ALL_SELLERS_ACCOUNT];
  // One transactional read: a snapshot no concurrent booking can be half-seen in.
  const result = await dynamo().send(
    new TransactGetCommand({
      TransactItems: names.map((name) => ({ Get: { TableName, Key: accountKey(name) } })),
    }),
  );
  const totals = new Map<string, number>();
  for (const { Item: item } of result.Responses ?? []) {
    if (item) totals.set(String(item.pk).slice('ACCOUNT#'.length), Number(item[`balance_${currency}`] ?? 0));
  }
  const accounts = names.map((account) => ({ account, balance: totals.get(account) ?? 0 }));
  return { currency, accounts, total: accounts.reduce((sum, line) => sum + line.balance, 0) };
}
