import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, stack, stackNow } from '../../support/api';
import { paidBody, postNotification } from '../../support/notifications';

type Problem = { status: number; code: string; detail: string };

/**
 * DynamoDB frozen mid-load: DynamoDB Local's JVM stopped with SIGSTOP, so connections are still
 * accepted (by the kernel) and never answered — the worst kind of outage, a stall. Every answer
 * must then be "retry shortly" (503 problem+json with Retry-After), in a few seconds: never a 401
 * (the authorizer could not read the key; the key is fine) and never a 2xx for what was not
 * stored. The notification's 5xx makes the PSP send it again. Once DynamoDB is back, everything
 * works and nothing was lost. Serial: every other test would stall along with it.
 */
describe('storage frozen mid-load', () => {
  it('answers 503 with Retry-After — never 401, never 2xx — and loses nothing once it returns', async () => {
    const pid = stack().dynamoPid;
    if (pid === undefined) throw new Error('the local stack did not say which process DynamoDB Local is');
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const notification = paidBody({
      cip: order.voucher.cip,
      operationNumber: 77_000_000 + (Date.now() % 1_000_000),
      amount: 150,
      paidAt: await stackNow(),
    });
    const creation = {
      body: orderRequest(),
      headers: { 'idempotency-key': `outage-${crypto.randomUUID()}` },
    };

    process.kill(pid, 'SIGSTOP');
    try {
      // An authenticated call: the authorizer cannot read the key.
      let started = performance.now();
      const read = await api<Problem>('GET', `/v1/orders/${order.id}`);
      const readMs = performance.now() - started;
      expect(read.status).toBe(503);
      expect(read.headers.get('content-type')).toContain('application/problem+json');
      expect(read.headers.get('retry-after')).toBe('5');
      expect(read.body.code).toBe('service_unavailable');
      expect(readMs).toBeLessThan(8_000);

      const created = await api<Problem>('POST', '/v1/orders', creation);
      expect(created.status).toBe(503);

      // The PSP's notification (no API key: the handler itself meets the stalled table).
      started = performance.now();
      const notified = await postNotification(notification);
      const notifiedMs = performance.now() - started;
      expect(notified.status).toBe(503);
      expect(notified.headers.get('retry-after')).toBe('5');
      expect(notified.body.code).toBe('service_unavailable');
      expect(notifiedMs).toBeLessThan(8_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    // Back: the same key works, the PSP's retry of the notification is taken, the order is paid once.
    expect((await api('GET', `/v1/orders/${order.id}`)).status).toBe(200);
    expect((await postNotification(notification)).status).toBe(200);
    const paid = await eventually(async () => {
      const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
      return current.status === 'PAID' ? current : undefined;
    });
    expect(paid.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    // The create that got a 503 stored nothing its retry (same Idempotency-Key) would trip on.
    const retried = await api<Order>('POST', '/v1/orders', creation);
    expect(retried.status).toBe(201);
    const listed = await api<{ items: Order[] }>(
      'GET',
      `/v1/orders?reference=${encodeURIComponent(creation.body.reference)}`,
    );
    expect(listed.body.items.map((item) => item.id)).toEqual([retried.body.id]);
  });
});
