import { startLocalStack } from '../local/stack';
import { benchOrderRequest } from './order-request';
import { fmt, median, percentile, runBounded } from './stats';

const KEY = 'bench-provider-key-0123456789';

/**
 * Order creation per provider on a stack of its own (PSP_PROVIDER): the same API call through
 * PagoEfectivo's sandbox (token + POST /v1/cips) and through dLocal's (signed POST /payments).
 * Throughput at 4 in flight and latency percentiles; the difference is the adapters' cost.
 */
export async function benchProviders() {
  const ORDERS = 60;
  const rows: string[] = [];
  for (const provider of ['pagoefectivo', 'dlocal'] as const) {
    const stack = await startLocalStack({
      port: 0,
      sandboxPort: 0,
      apiKey: KEY,
      serviceId: '6001',
      accessKey: 'bench-provider-access',
      secretKey: 'bench-provider-secret',
      visibilityTimeoutSeconds: 5,
      scheduler: false,
      provider,
      clientThrottle: { rateLimit: 100_000, burstLimit: 100_000 },
    });
    try {
      let seq = 0;
      const create = async () => {
        const response = await fetch(`${stack.apiUrl}/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify(benchOrderRequest(`bench-${provider}-${seq}`, String(40_000_000 + seq++))),
        });
        if (response.status !== 201)
          throw new Error(`${provider} create → ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      };
      await runBounded(10, 2, create); // warm up: handlers imported, first token
      const run = await runBounded(ORDERS, 4, create);
      rows.push(
        `| ${provider} | ${ORDERS} | ${fmt((ORDERS / run.elapsedMs) * 1000)} | ${fmt(median(run.durations))} | ${fmt(percentile(run.durations, 95))} |`,
      );
    } finally {
      await stack.stop();
    }
  }
  console.log('\n## Order creation per provider (local stack of its own, 4 in flight)\n');
  console.log('| provider | orders | orders/s | p50 ms | p95 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}
