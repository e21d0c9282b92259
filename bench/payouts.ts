import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { proposePayouts } from '#jobs/create-payouts';
import { DEFAULT_PAYOUT_SCHEDULE } from '#model/payout-schedule';
import { putAll } from './put-items';
import { fmt } from './stats';

/**
 * The payout job over 10,000 sellers with available money, 500 of them due (their money has
 * waited the holding period; the others' has not): seller balances written straight to the
 * table as settlements would leave them. Items read per proposed payout (goal ≤ 1.2) and time.
 */
export async function benchPayouts(): Promise<void> {
  const SELLERS = 10_000;
  const DUE = 500;
  const now = Date.now();
  const items = Array.from({ length: SELLERS }, (_, i) => {
    const sellerId = `bench-payee-${i}`;
    // Due sellers have had money available for 5 days; the rest since an hour ago.
    const since = new Date(now - (i < DUE ? 5 * 86_400_000 : 3600_000)).toISOString();
    return {
      ...sellerBalanceEntity.key(sellerId),
      sellerId,
      available_PEN: 20_000 + i,
      bankAccountVersion: 1,
      coolingOffUntil: since,
      ...sellerBalanceEntity.payoutDueKeys(sellerId, since),
    };
  });
  await putAll(items);
  const started = performance.now();
  const summary = await proposePayouts(DEFAULT_PAYOUT_SCHEDULE, {
    maxSellers: 20_000,
    hasTimeLeft: () => true,
    force: true,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log('\n## Payout job (local stack)\n');
  console.log(
    '| sellers with money | due | proposed | items read (index) | reads per payout | seconds | payouts/s |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${SELLERS} | ${DUE} | ${summary.proposed} | ${summary.itemsRead} | ${fmt(summary.itemsRead / Math.max(1, summary.proposed), 2)} | ${fmt(seconds, 2)} | ${fmt(summary.proposed / seconds)} |`,
  );
  console.log(
    '\nOne index item (the whole balance: the queue index projects ALL) per due seller; creating each payout reads nothing more (the balance item carries the bank account version, cooling-off and open-payout marker) and writes one transaction (payout, event, balance marker).',
  );
  if (summary.proposed < DUE) throw new Error(`bench: only ${summary.proposed} of ${DUE} payouts proposed`);
}
