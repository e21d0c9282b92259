import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '#model/event-types';
import type { Order } from '#model/order';
import type { DeliveryAttempt, WebhookEndpoint } from '#outbound-webhooks/schemas';
import { api, eventually, orderRequest, sandbox } from '../support/api';
import { expectMatchesOpenApi } from '../support/openapi-schemas';
import { type Received, startReceiver } from '../support/receiver';

type Created = WebhookEndpoint & { secret: string };
type Problem = { status: number; code: string; errors?: { field: string }[] };

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
const created: string[] = [];
afterAll(async () => {
  // Leave no endpoint pointing at a receiver that is about to stop.
  await Promise.all(created.map((id) => api('DELETE', `/v1/webhook-endpoints/${id}`)));
  await receiver.stop();
});

const createEndpoint = async (
  kind: 'ok' | 'flaky' | 'gone',
  events: string[] = ['order.created', 'order.paid'],
) => {
  const response = await api<Created>('POST', '/v1/webhook-endpoints', {
    body: { url: `${receiver.url}/${kind}/${crypto.randomUUID()}`, events, description: `${kind} receiver` },
  });
  expect(response.status).toBe(201);
  expectMatchesOpenApi('WebhookEndpointWithSecret', response.body);
  created.push(response.body.id);
  return response.body;
};
const createOrder = async () => (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
const deliveriesTo = (endpoint: WebhookEndpoint) =>
  receiver.received.filter((r) => endpoint.url.endsWith(r.path));
const headersOf = (delivery: Received) => ({
  'webhook-id': String(delivery.headers['webhook-id']),
  'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
  'webhook-signature': String(delivery.headers['webhook-signature']),
});
const forOrder = (orderId: string) => (delivery: Received) =>
  (JSON.parse(delivery.body) as { data: { id?: string } }).data.id === orderId;

describe('outgoing webhooks (Standard Webhooks)', () => {
  it('deliver signed events that the standardwebhooks library verifies, with increasing versions', async () => {
    const endpoint = await createEndpoint('ok');
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    const deliveries = await eventually(async () => {
      const found = deliveriesTo(endpoint).filter(forOrder(order.id));
      return found.length >= 2 ? found : undefined;
    });
    const verifier = new Webhook(endpoint.secret);
    const payloads = deliveries.map(
      (delivery) =>
        verifier.verify(delivery.body, headersOf(delivery)) as {
          type: string;
          timestamp: string;
          data: Order;
        },
    );
    expect(payloads.map((payload) => payload.type).sort()).toEqual(['order.created', 'order.paid']);
    const created = payloads.find((payload) => payload.type === 'order.created');
    const paid = payloads.find((payload) => payload.type === 'order.paid');
    expect(created?.data).toMatchObject({ id: order.id, status: 'PENDING_PAYMENT', version: 1 });
    expect(paid?.data).toMatchObject({ id: order.id, status: 'PAID', version: 2 });
    // A tampered body fails verification with the same library.
    const [first] = deliveries;
    if (!first) throw new Error('no delivery');
    expect(() => verifier.verify(first.body.replace('PENDING', 'PAID'), headersOf(first))).toThrow();
  });

  it('retries a failing receiver with the same webhook-id until it succeeds, and records each attempt', async () => {
    // order.fulfilled: no other test of this run fulfils orders meanwhile, so this endpoint hears only ours.
    const endpoint = await createEndpoint('flaky', ['order.fulfilled']);
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    expect((await api('POST', `/v1/orders/${order.id}/fulfil`)).status).toBe(200);
    const deliveries = await eventually(async () => {
      const found = deliveriesTo(endpoint).filter(forOrder(order.id));
      return found.some((delivery) => delivery.answered === 200) ? found : undefined;
    }, 20_000);
    expect(deliveries.map((delivery) => delivery.answered)).toEqual([500, 500, 200]);
    const ids = new Set(deliveries.map((delivery) => String(delivery.headers['webhook-id'])));
    expect(ids.size).toBe(1);
    const attempts = await eventually(async () => {
      const page = await api<{ items: DeliveryAttempt[] }>(
        'GET',
        `/v1/webhook-endpoints/${endpoint.id}/attempts?limit=100`,
      );
      expectMatchesOpenApi('WebhookDeliveryAttemptList', page.body);
      const mine = page.body.items.filter((attempt) => ids.has(attempt.eventId));
      return mine.length >= 3 ? mine : undefined;
    });
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
      [3, 'delivered'],
      [2, 'failed'],
      [1, 'failed'],
    ]);
  });

  it('disables an endpoint at once on 410, and says so with an event', async () => {
    const endpoint = await createEndpoint('gone', ['order.created']);
    await createOrder();
    const disabled = await eventually(async () => {
      const current = await api<WebhookEndpoint>('GET', `/v1/webhook-endpoints/${endpoint.id}`);
      return current.body.status === 'disabled' ? current.body : undefined;
    });
    expect(disabled.disabledReason).toMatch(/410/);
    const deliveredBefore = deliveriesTo(endpoint).length;
    await createOrder();
    const notice = await eventually(async () => {
      const feed = await api<{ items: OutboxEvent[] }>(
        'GET',
        '/v1/events?type=webhook_endpoint.disabled&limit=100',
      );
      return feed.body.items.find((event) => event.data.endpointId === endpoint.id);
    });
    expect(notice.data).toMatchObject({ url: endpoint.url });
    expect(deliveriesTo(endpoint).length).toBe(deliveredBefore);

    // Re-enabled, it is delivered to again; a second 410 disables it again and says so again.
    const enabled = await api<WebhookEndpoint>('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.status).toBe('enabled');
    expect(enabled.body.disabledReason).toBeUndefined();
    await createOrder();
    await eventually(async () => (deliveriesTo(endpoint).length > deliveredBefore ? true : undefined));
    const notices = await eventually(async () => {
      const feed = await api<{ items: OutboxEvent[] }>(
        'GET',
        '/v1/events?type=webhook_endpoint.disabled&limit=100',
      );
      const mine = feed.body.items.filter((event) => event.data.endpointId === endpoint.id);
      return mine.length === 2 ? mine : undefined;
    });
    expect(new Set(notices.map((event) => event.id)).size).toBe(2);
  });

  it('changes an endpoint’s events, description and URL, validating each', async () => {
    const endpoint = await createEndpoint('ok', ['order.created']);
    const path = `/v1/webhook-endpoints/${endpoint.id}`;
    const changed = await api<WebhookEndpoint>('PATCH', path, {
      body: { events: ['order.paid', 'order.expired'], description: 'fulfilment service' },
    });
    expect(changed.body).toMatchObject({
      id: endpoint.id,
      url: endpoint.url,
      events: ['order.paid', 'order.expired'],
      description: 'fulfilment service',
      status: 'enabled',
    });
    const paused = await api<WebhookEndpoint>('PATCH', path, { body: { enabled: false } });
    expect(paused.body).toMatchObject({ status: 'disabled', disabledReason: 'Paused through the API.' });

    const empty = await api<Problem>('PATCH', path, { body: {} });
    expect(empty.status).toBe(400);
    // The same URL policy as on create (locally private addresses are allowed, so: a bad scheme).
    const badUrl = await api<Problem>('PATCH', path, { body: { url: 'ftp://example.com/hook' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.errors?.[0]?.field).toBe('url');
    expect((await api<WebhookEndpoint>('GET', path)).body.url).toBe(endpoint.url);
    const unknownField = await api<Problem>('PATCH', path, { body: { secret: 'whsec_x' } });
    expect(unknownField.status).toBe(400);
    const missing = await api<Problem>('PATCH', '/v1/webhook-endpoints/we_00000000000000000000000000', {
      body: { enabled: true },
    });
    expect(missing.status).toBe(404);
  });

  it('signs with both secrets during a rotation overlap', async () => {
    const endpoint = await createEndpoint('ok', ['order.created']);
    const rotated = await api<Created>('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expectMatchesOpenApi('WebhookEndpointWithSecret', rotated.body);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.previousSecretExpiresAt).toBeDefined();
    const order = await createOrder();
    const delivery = await eventually(async () => deliveriesTo(endpoint).find(forOrder(order.id)));
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => new Webhook(endpoint.secret).verify(delivery.body, headersOf(delivery))).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(delivery.body, headersOf(delivery))).not.toThrow();
  });

  it('a rotation retried with its Idempotency-Key answers the same new secret and rotates once (decision 132)', async () => {
    const endpoint = await createEndpoint('ok', ['order.created']);
    const headers = { 'idempotency-key': `rotate-${randomUUID()}` };
    const path = `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`;
    const first = await api<Created>('POST', path, { headers });
    const retried = await api<Created>('POST', path, { headers });
    expect(first.status).toBe(200);
    expect(retried.status).toBe(200);
    expect(retried.body.secret).toBe(first.body.secret);
    // Rotated once: the secret before it still signs during the overlap, beside the new one.
    const order = await createOrder();
    const delivery = await eventually(async () => deliveriesTo(endpoint).find(forOrder(order.id)));
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => new Webhook(endpoint.secret).verify(delivery.body, headersOf(delivery))).not.toThrow();
    expect(() => new Webhook(first.body.secret).verify(delivery.body, headersOf(delivery))).not.toThrow();
    // Without a key, each call is a rotation of its own.
    const unkeyed = await api<Created>('POST', path);
    expect(unkeyed.body.secret).not.toBe(first.body.secret);
  });

  it('lists, gets and deletes endpoints; the secret is never shown again', async () => {
    const endpoint = await createEndpoint('ok');
    const fetched = await api<WebhookEndpoint & { secret?: string }>(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}`,
    );
    expect(fetched.body.secret).toBeUndefined();
    const list = await api<{ items: WebhookEndpoint[] }>('GET', '/v1/webhook-endpoints?limit=100');
    expect(list.body.items.map((item) => item.id)).toContain(endpoint.id);
    const deleted = await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(deleted.status).toBe(204);
    // No body, so no media type claimed for one.
    expect(deleted.headers.get('content-type')).toBeNull();
    expect((await api('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it('creates one endpoint for a retried Idempotency-Key, replaying the same secret', async () => {
    const headers = { 'idempotency-key': `idem-${crypto.randomUUID()}` };
    const body = { url: `${receiver.url}/ok/${crypto.randomUUID()}`, events: ['order.paid'] };
    const first = await api<Created>('POST', '/v1/webhook-endpoints', { body, headers });
    const retried = await api<Created>('POST', '/v1/webhook-endpoints', { body, headers });
    expect(first.status).toBe(201);
    created.push(first.body.id);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    const list = await api<{ items: WebhookEndpoint[] }>('GET', '/v1/webhook-endpoints?limit=100');
    expect(list.body.items.filter((item) => item.url === body.url)).toHaveLength(1);

    const reused = await api<Problem>('POST', '/v1/webhook-endpoints', {
      body: { ...body, events: ['order.expired'] },
      headers,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('refuses URLs and subscriptions that are not valid', async () => {
    for (const url of ['ftp://example.com/hook', 'https://user:secret@example.com/hook', 'not a url']) {
      const response = await api<Problem>('POST', '/v1/webhook-endpoints', {
        body: { url, events: ['order.paid'] },
      });
      expect(response.status, url).toBe(400);
      expect(response.body.errors?.[0]?.field).toBe('url');
    }
    const badEvent = await api<Problem>('POST', '/v1/webhook-endpoints', {
      body: { url: 'https://example.com/hook', events: ['order.shipped'] },
    });
    expect(badEvent.body.errors?.[0]?.field).toBe('events.0');
  });
});

describe('the event feed', () => {
  it('lists an order’s events in order, and pages with a cursor a reader can keep', async () => {
    const order = await createOrder();
    await api('POST', `/v1/orders/${order.id}/cancel`);
    const events: OutboxEvent[] = [];
    await eventually(async () => {
      let after: string | null = null;
      events.length = 0;
      for (let page = 0; page < 200; page++) {
        const query: string = `/v1/events?limit=100${after ? `&after=${after}` : ''}`;
        const result: { body: { items: OutboxEvent[]; nextCursor: string | null; hasMore: boolean } } =
          await api('GET', query);
        events.push(...result.body.items.filter((event) => event.data.id === order.id));
        after = result.body.nextCursor;
        if (!result.body.hasMore) break;
      }
      return events.length >= 2 ? events : undefined;
    }, 15_000);
    expect(events.map((event) => event.type)).toEqual(['order.created', 'order.cancelled']);
    expect(events.map((event) => event.data.version)).toEqual([1, 2]);
  });

  it('refuses a cursor that is not one of the feed’s own, naming `after`', async () => {
    await createOrder();
    // A cursor of the order.created listing (events show once they are 3 s old).
    const wrongListing = await eventually(async () => {
      const typed = await api<{ nextCursor: string | null }>('GET', '/v1/events?type=order.created&limit=1');
      expectMatchesOpenApi('EventPage', typed.body);
      expectMatchesOpenApi('WebhookEndpointList', (await api('GET', '/v1/webhook-endpoints?limit=5')).body);
      return typed.body.nextCursor ?? undefined;
    });
    const refused = await api<Problem>('GET', `/v1/events?type=order.paid&after=${wrongListing}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.field).toBe('query.after');
  });

  it('redelivers an event on request, with the same webhook-id', async () => {
    const endpoint = await createEndpoint('ok', ['order.created']);
    const order = await createOrder();
    const first = await eventually(async () => deliveriesTo(endpoint).find(forOrder(order.id)));
    const eventId = String(first.headers['webhook-id']);
    const redeliver = await api<{ queuedFor: number }>('POST', `/v1/events/${eventId}/redeliver`);
    expect(redeliver.status).toBe(202);
    expectMatchesOpenApi('RedeliveryQueued', redeliver.body);
    expect(redeliver.body.queuedFor).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const copies = deliveriesTo(endpoint).filter((delivery) => delivery.headers['webhook-id'] === eventId);
      return copies.length >= 2 ? copies : undefined;
    });
    expect((await api('POST', '/v1/events/evt_bm90LWFuLWV2ZW50/redeliver')).status).toBe(404);
  });

  it('redelivers to one endpoint only when asked, and says when it cannot', async () => {
    const target = await createEndpoint('ok', ['order.created']);
    const bystander = await createEndpoint('ok', ['order.created']);
    const order = await createOrder();
    const first = await eventually(async () => deliveriesTo(target).find(forOrder(order.id)));
    await eventually(async () => deliveriesTo(bystander).find(forOrder(order.id)));
    const eventId = String(first.headers['webhook-id']);

    const redeliver = await api<{ queuedFor: number }>('POST', `/v1/events/${eventId}/redeliver`, {
      body: { endpointId: target.id },
    });
    expect(redeliver.body.queuedFor).toBe(1);
    await eventually(async () => {
      const copies = deliveriesTo(target).filter((delivery) => delivery.headers['webhook-id'] === eventId);
      return copies.length >= 2 ? copies : undefined;
    });
    const toBystander = deliveriesTo(bystander).filter(
      (delivery) => delivery.headers['webhook-id'] === eventId,
    );
    expect(toBystander).toHaveLength(1);

    const paidOnly = await createEndpoint('ok', ['order.paid']);
    const notSubscribed = await api<Problem>('POST', `/v1/events/${eventId}/redeliver`, {
      body: { endpointId: paidOnly.id },
    });
    expect(notSubscribed.status).toBe(409);
    expect(notSubscribed.body.code).toBe('endpoint_not_subscribed');
    const badId = await api<Problem>('POST', `/v1/events/${eventId}/redeliver`, {
      body: { endpointId: 'x' },
    });
    expect(badId.body.errors?.[0]?.field).toBe('endpointId');
  });
});
