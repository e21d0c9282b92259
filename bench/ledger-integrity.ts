import './silence';
import '../local/quiet';
import { accountTotalEntity } from '#contract/entities/account-total';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { checkLedgerIntegrity } from '#jobs/ledger-integrity';
import {
  type JournalEntry,
  paymentEntry,
  refundApprovedEntry,
  refundPaidOutEntry,
  sellerOf,
} from '#model/journal';
import type { Order } from '#model/order';
import { startLocalStack } from '../local/stack';
import { putAll } from './put-items';
import { fmt } from './stats';

const ORDERS = 8_000;
const SELLERS = 400;

/**
 * The integrity pass over a ledger of 8,000 two-seller orders (every fourth refunded in part and
 * paid out): ~12,000 journal entries written straight to the table as the bookings leave them, with
 * the totals they add up to. One pass, uninterrupted: entries read per entry (goal 1.00), read
 * units per entry as DynamoDB Local reports them for the index Query, and entries/s.
 */
export async function benchLedgerIntegrity(): Promise<void> {
  const at = '2026-12-01T10:00:00.000Z';
  const entries: JournalEntry[] = [];
  const owed = new Map<string, number>();
  for (let i = 0; i < ORDERS; i++) {
    const [a, b] = [`bench-seller-${i % SELLERS}`, `bench-seller-${(i * 7 + 1) % SELLERS}`];
    const order = {
      id: `ord_bench${i}`,
      currency: 'PEN',
      amount: 10_000,
      splits: [
        { sellerId: a, amount: 6_000, fee: 600 },
        { sellerId: b, amount: 4_000, fee: 400 },
      ],
    } as unknown as Order;
    entries.push(paymentEntry(order, at));
    if (i % 4 === 0) {
      const refund = {
        refundId: `rf_bench${i}`,
        orderId: order.id,
        amount: 5_000,
        currency: 'PEN',
        fromSuspense: false,
        sellerBucket: 'pending' as const,
        allocations: [
          { sellerId: a, amount: 3_000, fee: 300 },
          { sellerId: b, amount: 2_000, fee: 200 },
        ],
      };
      entries.push(refundApprovedEntry(refund, at), refundPaidOutEntry(refund, at));
    }
  }
  const totals = new Map<string, number>();
  for (const entry of entries) {
    for (const line of entry.lines) {
      const sellerId = sellerOf(line.account);
      const account = sellerId === undefined ? line.account : 'seller_payable';
      totals.set(account, (totals.get(account) ?? 0) + line.amount);
      if (sellerId !== undefined) owed.set(sellerId, (owed.get(sellerId) ?? 0) - line.amount);
    }
  }
  await putAll([
    ...entries.map(({ sellerMoves: _moves, ...entry }: JournalEntry & { sellerMoves?: unknown }) => ({
      ...journalEntryEntity.key(entry.id),
      ...journalEntryEntity.ledgerKeys(entry),
      entity: journalEntryEntity.name,
      ...entry,
    })),
    ...[...totals].map(([account, balance]) => ({
      ...accountTotalEntity.key(account),
      balance_PEN: balance,
    })),
    ...[...owed].map(([sellerId, pending]) => ({
      ...sellerBalanceEntity.key(sellerId),
      sellerId,
      pending_PEN: pending,
    })),
  ]);

  const started = performance.now();
  const summary = await checkLedgerIntegrity({ hasTimeLeft: () => true, newPass: true });
  const seconds = (performance.now() - started) / 1000;
  const report = summary.report;
  if (!report) throw new Error('the pass did not complete');
  console.log('\n## Ledger integrity pass (local stack)\n');
  console.log(
    '| journal entries | sellers | pages | entries read per entry | read units | read units per entry | seconds | entries/s | differences |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${entries.length} | ${owed.size} | ${report.pages} | ${fmt(report.itemsRead / entries.length, 2)} | ${fmt(report.readUnits, 1)} | ${fmt(report.readUnits / report.itemsRead, 3)} | ${fmt(seconds, 2)} | ${fmt(report.itemsRead / seconds)} | ${report.differenceCount} |`,
  );
  console.log(
    '\nEach entry is read once, from the ledger queue (its index projects ALL) in Query pages of 250; then one TransactGet of the 8 account totals, one BatchGet per 100 sellers and one Query of approved payouts.',
  );
}

/** `npm run bench:ledger-integrity`: this section alone, on a stack of its own. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const stack = await startLocalStack({
    port: 0,
    sandboxPort: 0,
    apiKey: 'bench-api-key-0123456789abcdef',
    serviceId: '4001',
    accessKey: 'bench-access-key',
    secretKey: 'bench-secret-key',
    visibilityTimeoutSeconds: 5,
    scheduler: false,
  });
  try {
    await benchLedgerIntegrity();
  } finally {
    await stack.stop();
  }
}
