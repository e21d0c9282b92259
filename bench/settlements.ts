import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamo } from '#platform/aws';
import { pspProvider } from '#psp/index';
import { importReport } from '#settlements/reconcile';
import { settlementReportCsv, syntheticPaidOrder, writeOrders } from '../test/support/synthetic-orders';
import { fmt } from './stats';

/** Items read and written by every DynamoDB call of the process (a middleware on the client). */
const counts = { read: 0, written: 0 };
let counting = false;

export function countDynamo() {
  if (counting) return counts;
  counting = true;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as Record<string, unknown>;
      const input = (args.input ?? {}) as Record<string, unknown>;
      switch (context.commandName) {
        case 'GetItemCommand':
          counts.read += output.Item ? 1 : 0;
          break;
        case 'BatchGetItemCommand':
          for (const items of Object.values((output.Responses ?? {}) as Record<string, unknown[]>))
            counts.read += items.length;
          break;
        case 'QueryCommand':
          counts.read += Number(output.ScannedCount ?? output.Count ?? 0);
          break;
        case 'TransactWriteItemsCommand':
          counts.written += ((input.TransactItems as unknown[]) ?? []).filter(
            (item) => !('ConditionCheck' in (item as object)),
          ).length;
          break;
        case 'PutItemCommand':
        case 'UpdateItemCommand':
          counts.written += 1;
          break;
      }
      return result;
    },
    { step: 'initialize', name: 'benchItemCounter' },
  );
  return counts;
}

/**
 * Reconciles generated reports of 5,000 and 20,000 lines (every line a paid order of ours) on the
 * local stack, streamed from disk as the S3 path streams them: lines/s, items read and written
 * per line, and peak heap — which must not grow with the file.
 */
export async function benchSettlements(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-settlement-'));
  const counts = countDynamo();
  console.log('\n## Settlement reconciliation (local stack, streamed from disk)\n');
  console.log(
    '| lines | file MB | seconds | lines/s | item reads/line | item writes/line | peak live heap growth MB |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  try {
    for (const [size, base] of [
      [5_000, 60_000_000],
      [20_000, 61_000_000],
    ] as const) {
      // Many sellers, as in a marketplace: one seller's balance item is not every line's hot spot.
      const orders = Array.from({ length: size }, (_, i) =>
        syntheticPaidOrder(i, base, `bench-seller-${i % 500}`),
      );
      await writeOrders(orders);
      const path = join(folder, `report-${size}.csv`);
      writeFileSync(path, settlementReportCsv(orders));
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = heapBefore;
      // Live memory, not garbage not yet collected: collect before each sample (node --expose-gc).
      const sampler = setInterval(() => {
        global.gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 250);
      const before = { ...counts };
      const started = performance.now();
      const { settlement } = await importReport(
        {
          open: () => createReadStream(path),
          format: 'csv',
          fileName: `report-${size}.csv`,
          sha256: `${size}`.padEnd(64, 'b'),
        },
        { partial: false, psp: pspProvider(), by: 'bench' },
      );
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      if (settlement.counts.matched !== size) throw new Error(`bench: ${JSON.stringify(settlement.counts)}`);
      const reads = (counts.read - before.read) / size;
      const writes = (counts.written - before.written) / size;
      console.log(
        `| ${size} | ${fmt(statSync(path).size / 1e6, 2)} | ${fmt(seconds, 1)} | ${fmt(size / seconds)} | ${fmt(reads, 2)} | ${fmt(writes, 1)} | ${fmt((peak - heapBefore) / 1e6, 1)} |`,
      );
    }
    console.log(
      '\nReads: one BatchGet of the orders per 100 lines (by the transaction code the report echoes), plus the settlement item per batch. Writes per line: the order, its `order.settled` event, the line, the journal entry and each seller balance (one transaction); the fixed account totals once per batch.',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
