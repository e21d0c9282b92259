import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { startWebhookListener } from '../../../scripts/webhook-listener';
import { api, eventually, orderRequest } from '../../support/api';
import { startReceiver } from '../../support/receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.stop();
});

/**
 * The README's walk-through moves the local test clock (`POST /_local/clock`), and a marketplace
 * verifies deliveries with a Standard Webhooks library that holds `webhook-timestamp` against its
 * own clock: the timestamp must be wall-clock time, or every later delivery is refused.
 */
describe('outgoing webhooks after the local test clock moved', () => {
  it('carry a wall-clock timestamp that the standardwebhooks library accepts', async () => {
    await api('POST', '/_local/clock', { body: { advanceSeconds: 900 }, auth: false });
    const endpoint = (
      await api<{ id: string; url: string; secret: string }>('POST', '/v1/webhook-endpoints', {
        body: { url: `${receiver.url}/ok/${crypto.randomUUID()}`, events: ['order.created'] },
      })
    ).body;
    try {
      const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
      const delivery = await eventually(async () =>
        receiver.received.find(
          (received) =>
            endpoint.url.endsWith(received.path) &&
            (JSON.parse(received.body) as { data: { id?: string } }).data.id === order.id,
        ),
      );
      const timestamp = Number(delivery.headers['webhook-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
      // Signature and freshness, checked by the library the webhooks guide recommends.
      const verified = new Webhook(endpoint.secret).verify(delivery.body, {
        'webhook-id': String(delivery.headers['webhook-id']),
        'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
        'webhook-signature': String(delivery.headers['webhook-signature']),
      }) as { type: string };
      expect(verified.type).toBe('order.created');
    } finally {
      await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    }
  });

  it('reaches `npm run webhooks:listen`, which verifies signature and freshness with the library', async () => {
    const lines: string[] = [];
    const endpointRequest = async (url: string) =>
      (
        await api<{ id: string; secret: string }>('POST', '/v1/webhook-endpoints', {
          body: { url, events: ['order.created'] },
        })
      ).body;
    // The endpoint is created first (it holds the secret), pointing at the port the listener takes.
    const listenerPort = await freePort();
    const endpoint = await endpointRequest(`http://127.0.0.1:${listenerPort}/hooks`);
    const listener = await startWebhookListener({
      port: listenerPort,
      secret: endpoint.secret,
      print: (line) => lines.push(line),
    });
    try {
      const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
      const line = await eventually(async () => lines.find((each) => each.includes(order.id)));
      expect(line).toMatch(/^verified order\.created /);
    } finally {
      await listener.close();
      await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    }
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
