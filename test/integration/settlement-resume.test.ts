import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { paymentEntry } from '#model/journal';
import { settlementIdFor } from '#model/settlement';
import { dynamo } from '#platform/aws';
import { pspProvider } from '#psp/index';
import { importReport, type ReportSource } from '#settlements/reconcile';
import { getSellerBalance, ledgerWrites } from '#store/ledger-repository';
import { getSettlement } from '#store/settlements-repository';
import { settlementReportCsv, syntheticPaidOrder, writeOrders } from '../support/synthetic-orders';

/**
 * An import that stops midway is never stuck: the settlement stays IMPORTING at its watermark with
 * the reason on it, and importing the same file again resumes and completes it — each line's
 * effect once. The break here is the file's stream failing while lines are applied (an S3
 * connection reset), after the first batch of 100 lines was reconciled.
 */
describe('a settlement import that stops midway', () => {
  it('keeps the reason, and the same file again resumes it to COMPLETED with every effect once', async () => {
    const seller = `resume-${randomUUID()}`;
    const base = 30_000_000 + Math.floor(Math.random() * 60_000) * 1_000;
    // A seller each: 120 lines on one balance item would only measure transaction conflicts.
    const orders = Array.from({ length: 120 }, (_, i) => syntheticPaidOrder(i, base, `${seller}-${i}`));
    await writeOrders(orders);
    // Their payments booked as apply-payment books them: the table stays a ledger the integrity
    // job (run after the suite's traffic) finds whole, with no settlement of an unbooked payment.
    for (const order of orders) {
      const paidAt = order.payment?.paidAt ?? order.createdAt;
      await dynamo().send(
        new TransactWriteCommand({ TransactItems: ledgerWrites(paymentEntry(order, paidAt)) }),
      );
    }
    const file = Buffer.from(settlementReportCsv(orders));
    const breakAfter = file.indexOf('\n', file.indexOf(orders[109]?.id ?? 'missing'));
    const sha256 = randomUUID().replace(/-/g, '').padEnd(64, '0');
    const id = settlementIdFor(sha256);
    let opened = 0;
    const broken: ReportSource = {
      // Validating reads the whole file (its bytes, then its lines); applying breaks at line 111.
      open: () =>
        ++opened <= 2
          ? Readable.from([file])
          : Readable.from(
              (async function* () {
                yield file.subarray(0, breakAfter + 1);
                // The connection resets once the first batch is in (not before: a stream error
                // discards what the parser had buffered, and nothing would be applied yet).
                for (let i = 0; i < 200; i++) {
                  if ((await getSettlement(id))?.processedThrough) break;
                  await new Promise((resolve) => setTimeout(resolve, 50));
                }
                throw Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
              })(),
            ),
      format: 'csv',
      fileName: 'resume.csv',
      sha256,
    };
    await expect(importReport(broken, { partial: false, psp: pspProvider(), by: 'test' })).rejects.toThrow(
      /socket hang up/,
    );

    const stalled = await getSettlement(id);
    expect(stalled).toMatchObject({
      status: 'IMPORTING',
      lines: 120,
      processedThrough: 101,
      lastError: { processedThrough: 101, reason: expect.stringMatching(/import the same file again/) },
    });
    expect(stalled?.counts.matched).toBe(100);

    const { settlement, replayed } = await importReport(
      { ...broken, open: () => Readable.from([file]) },
      { partial: false, psp: pspProvider(), by: 'test' },
    );
    expect(replayed).toBe(false);
    expect(settlement).toMatchObject({ status: 'COMPLETED', processedThrough: 121 });
    expect(settlement.lastError).toBeUndefined();
    expect(settlement.counts.matched).toBe(120);
    expect(settlement.totals.PEN?.gross).toBe(120 * 1000);
    // Released once per order: each seller's 1000 moved from pending to available, once.
    const balances = await Promise.all(orders.map((_, i) => getSellerBalance(`${seller}-${i}`)));
    for (const [balance] of balances) expect(balance).toMatchObject({ available: 1000, pending: 0 });
    // 120 lines of transactions on DynamoDB Local: ~10–50 s on a busy 2-core machine.
  }, 180_000);
});
