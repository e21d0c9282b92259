import type { Order } from '#model/order';
import { startReceiver } from '../test/support/receiver';
import { fmt, percentile, runBounded } from './stats';

/**
 * Outgoing webhooks end to end on the local stack: order created → outbox item → stream poller →
 * dispatcher (bus + delivery queue) → SQS poller → signed POST to a receiver on 127.0.0.1.
 */
export async function benchWebhooks(
  apiUrl: string,
  post: <T>(url: string, body: unknown) => Promise<T>,
  createOrder: () => Promise<Order>,
): Promise<void> {
  const receiver = await startReceiver();
  try {
    await post<{ id: string }>(`${apiUrl}/v1/webhook-endpoints`, {
      url: `${receiver.url}/ok/bench`,
      events: ['order.created'],
    });
    const ORDERS = 100;
    const createdAt = new Map<string, number>();
    const started = performance.now();
    await runBounded(ORDERS, 5, async () => {
      const order = await createOrder();
      createdAt.set(order.id, Date.parse(order.createdAt));
    });
    const deadline = Date.now() + 60_000;
    const delivered = () =>
      receiver.received.filter((r) =>
        createdAt.has((JSON.parse(r.body) as { data: { id: string } }).data.id),
      );
    while (delivered().length < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const elapsedMs = performance.now() - started;
    const arrivals = delivered();
    const delays = arrivals.map(
      (r) =>
        r.receivedAtMs -
        (createdAt.get((JSON.parse(r.body) as { data: { id: string } }).data.id) ?? r.receivedAtMs),
    );
    console.log('\n## Outgoing webhooks (order.created → signed POST received), local stack\n');
    console.log('| events | delivered | events/s | delay p50 ms | delay p99 ms |');
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${ORDERS} | ${arrivals.length} | ${fmt((arrivals.length / elapsedMs) * 1000)} | ${fmt(percentile(delays, 50), 0)} | ${fmt(percentile(delays, 99), 0)} |`,
    );
  } finally {
    await receiver.stop();
  }
}
