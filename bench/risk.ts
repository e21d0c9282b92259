import type { CreateOrderRequest } from '#orders/create-order-request';
import { resetConfigForTests } from '#platform/config';
import { countDynamo } from './settlements';
import { fmt, median, percentile } from './stats';

/**
 * What the risk rules cost an order creation: the same sequential creations with no rules
 * (RISK_RULES=[]) and with the defaults (an IP given, so all four are evaluated; none fires:
 * every order has its own buyer and IP). Latency p50/p95 and items read and written per order.
 */
export async function benchRisk(
  create: (request: CreateOrderRequest) => Promise<unknown>,
  base: () => CreateOrderRequest,
) {
  const counts = countDynamo();
  const ORDERS = 40;
  const rows: string[] = [];
  for (const [label, rules] of [
    ['no rules', '[]'],
    ['default rules (IP given)', undefined],
  ] as const) {
    if (rules === undefined) delete process.env.RISK_RULES;
    else process.env.RISK_RULES = rules;
    resetConfigForTests();
    const before = { ...counts };
    const latencies: number[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const request = base();
      const started = performance.now();
      await create({
        ...request,
        amount: 60_000,
        splits: [{ sellerId: 'risk-bench', amount: 60_000, fee: 0 }],
        risk: { ip: `10.${i % 250}.${Math.floor(i / 250)}.7` },
      });
      latencies.push(performance.now() - started);
    }
    rows.push(
      `| ${label} | ${fmt(median(latencies))} | ${fmt(percentile(latencies, 95))} | ${fmt((counts.read - before.read) / ORDERS, 2)} | ${fmt((counts.written - before.written) / ORDERS, 2)} |`,
    );
  }
  delete process.env.RISK_RULES;
  resetConfigForTests();
  console.log('\n## Risk rules at order creation (sequential, local stack)\n');
  console.log('| rules | p50 ms | p95 ms | items read/order | items written/order |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}
