import { benchOrderRequest } from './order-request';
import { fmt, median, percentile } from './stats';

/** The part of an order answer this bench reads (issue 30's payment options). */
interface OrderWithOptions {
  id: string;
  status: string;
  paymentOptions?: { id: string; method: 'cash' | 'wallet'; status: string }[];
}

/**
 * Cash + wallet beside cash only (issue 30): order creation latency when the order is also offered
 * a wallet — the wallet provider's call runs beside the CIP's, so the goal is ≤ 1.2× the cash-only
 * latency on the local stack — and how long a wallet payment takes to make the order PAID
 * (sandbox wallet pays → its notification → queue → processor → order PAID, read over HTTP).
 * Sequential and interleaved (cash, cash + wallet, cash, …) so drift on a shared machine hits both
 * alike. `npm run bench -- --only=wallets` runs this alone on a stack of its own.
 */
export async function benchWallets(apiUrl: string, sandboxUrl: string, apiKey: string): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  let seq = 0;
  const create = async (paymentMethods: ('cash' | 'wallet')[]) => {
    const body = {
      ...benchOrderRequest(
        `bench-wallet-${Date.now()}-${seq}`,
        String(60_000_000 + ((Date.now() + seq++) % 30_000_000)),
      ),
      paymentMethods,
    };
    const started = performance.now();
    const response = await fetch(`${apiUrl}/v1/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const order = (await response.json()) as OrderWithOptions;
    const ms = performance.now() - started;
    if (response.status !== 201)
      throw new Error(`POST /v1/orders → ${response.status} ${JSON.stringify(order)}`);
    return { order, ms };
  };

  // Warm up both paths (first token at each provider, first imports).
  for (let i = 0; i < 8; i++) {
    await create(['cash']);
    await create(['cash', 'wallet']);
  }
  const ROUNDS = 60;
  const cashOnly: number[] = [];
  const withWallet: number[] = [];
  let walletOpen = 0;
  for (let i = 0; i < ROUNDS; i++) {
    cashOnly.push((await create(['cash'])).ms);
    const both = await create(['cash', 'wallet']);
    withWallet.push(both.ms);
    if (both.order.paymentOptions?.some((option) => option.method === 'wallet' && option.status === 'open'))
      walletOpen++;
  }
  const ratio = median(withWallet) / median(cashOnly);
  console.log('\n## Order creation: cash + wallet vs cash only (local stack, sequential, interleaved)\n');
  console.log('| offered | orders | p50 ms | p95 ms | × cash only (p50) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| cash | ${ROUNDS} | ${fmt(median(cashOnly))} | ${fmt(percentile(cashOnly, 95))} | 1.00 |`);
  console.log(
    `| cash + wallet | ${ROUNDS} | ${fmt(median(withWallet))} | ${fmt(percentile(withWallet, 95))} | ${fmt(ratio, 2)} |`,
  );
  console.log(`\n(wallet option open on ${walletOpen}/${ROUNDS} orders; goal ≤ 1.20×)`);

  // Wallet pay → PAID, one order at a time, read as a marketplace would (GET /v1/orders/{id}).
  const PAYMENTS = 20;
  const latencies: number[] = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const { order } = await create(['cash', 'wallet']);
    const wallet = order.paymentOptions?.find((option) => option.method === 'wallet');
    if (wallet === undefined || wallet.status !== 'open')
      throw new Error(`no open wallet option on ${order.id}`);
    const started = performance.now();
    const paid = await fetch(`${sandboxUrl}/_sandbox/wallets/${wallet.id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (!paid.ok) throw new Error(`wallet pay → ${paid.status} ${await paid.text()}`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = (await (
        await fetch(`${apiUrl}/v1/orders/${order.id}`, { headers })
      ).json()) as OrderWithOptions;
      if (current.status === 'PAID') break;
      if (Date.now() > deadline) throw new Error(`${order.id} not PAID 30 s after its wallet payment`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    latencies.push(performance.now() - started);
  }
  console.log(
    '\n## Wallet pay → PAID (sandbox wallet → notification → queue → processor; read over HTTP every 20 ms)\n',
  );
  console.log('| payments | p50 ms | p95 ms | max ms |');
  console.log('|---:|---:|---:|---:|');
  console.log(
    `| ${PAYMENTS} | ${fmt(median(latencies))} | ${fmt(percentile(latencies, 95))} | ${fmt(Math.max(...latencies))} |`,
  );
}
