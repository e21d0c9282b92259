import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { storeApiKey } from '#store/api-keys';
import { api, asKey, eventually, orderRequest, sandbox } from '../support/api';

type Event = { id: string; type: string; timestamp: string; data: Record<string, unknown> };

describe('GET /v1/orders/{id}/events: the events an order announced, from its own record', () => {
  it('lists them oldest first, each one redeliverable by its id', async () => {
    const created = await api<Order>('POST', '/v1/orders', { body: orderRequest() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body;
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    const events = await eventually(async () => {
      const answer = await api<{ items: Event[] }>('GET', `/v1/orders/${order.id}/events`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.items.some((event) => event.type === 'order.paid') ? answer.body.items : undefined;
    });
    expect(events.map((event) => event.type)).toEqual(['order.created', 'order.paid']);
    expect(events.every((event) => event.data.id === order.id)).toBe(true);
    // Another order's events are not among them.
    const other = await api<Order>('POST', '/v1/orders', { body: orderRequest() });
    const otherEvents = await api<{ items: Event[] }>('GET', `/v1/orders/${other.body.id}/events`);
    expect(otherEvents.body.items.map((event) => event.id)).not.toContain(events[0]?.id);
    // The id is the feed's: redelivery takes it.
    const redelivered = await api('POST', `/v1/events/${events[1]?.id}/redeliver`, { body: {} });
    expect(redelivered.status, JSON.stringify(redelivered.body)).toBe(202);
  });

  it('answers 404 for an unknown order and 400 naming the field for a malformed id', async () => {
    const unknown = await api<{ code: string }>('GET', '/v1/orders/ord_00000000000000000000000000/events');
    expect(unknown.status).toBe(404);
    const malformed = await api<{ errors: { field: string }[] }>('GET', '/v1/orders/nope/events');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]?.field).toBe('path.id');
  });

  it("is not for seller keys (an order's events carry every seller's split)", async () => {
    const sellerKey = `seller-events-${randomUUID()}`;
    await storeApiKey(sellerKey, {
      keyId: `key_se_${randomUUID()}`,
      name: 'seller-a portal (test)',
      createdAt: new Date().toISOString(),
      usageKey: `usage_se_${randomUUID()}`,
      scopes: ['orders:read', 'events:read'],
      sellerId: 'seller-a',
    });
    const created = await api<Order>('POST', '/v1/orders', { body: orderRequest() });
    const answer = await asKey(sellerKey)('GET', `/v1/orders/${created.body.id}/events`);
    expect(answer.status).toBe(403);
  });
});
