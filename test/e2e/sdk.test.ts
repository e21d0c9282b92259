import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createClient,
  data,
  type Order,
  PagoEfectivoApiError,
  pages,
  verifyWebhook,
} from '@pagoefectivo-marketplace/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, orderRequest, stack } from '../support/api';
import { startReceiver } from '../support/receiver';

const client = () => createClient({ baseUrl: stack().apiUrl, apiKey: stack().apiKey, retryBaseMs: 10 });

describe('the typed SDK against the local stack', () => {
  it('creates an order (typed), replays it for the same Idempotency-Key, and reads it back', async () => {
    const body = orderRequest();
    const key = `sdk-${randomUUID()}`;
    const order = await data(client().POST('/v1/orders', { body, headers: { 'Idempotency-Key': key } }));
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.voucher.displayUrl).toMatch(/\/v\/[A-Za-z0-9_-]{22}$/);
    const replay = await data(client().POST('/v1/orders', { body, headers: { 'Idempotency-Key': key } }));
    expect(replay.id).toBe(order.id);
    const read = await data(client().GET('/v1/orders/{id}', { params: { path: { id: order.id } } }));
    expect(read).toEqual(order);
  });

  it('adds an Idempotency-Key to every create on its own', async () => {
    const order: Order = await data(client().POST('/v1/orders', { body: orderRequest() }));
    expect(order.id).toMatch(/^ord_/);
  });

  it('turns problem+json into a typed error naming the fields', async () => {
    const error = await client()
      .POST('/v1/orders', { body: { ...orderRequest(), amount: -5 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PagoEfectivoApiError);
    const apiError = error as PagoEfectivoApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('validation_failed');
    expect(apiError.fields.map((field) => field.field)).toContain('amount');

    const missing = await client()
      .GET('/v1/orders/{id}', { params: { path: { id: 'ord_00000000000000000000000000' } } })
      .catch((caught: unknown) => caught as PagoEfectivoApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('iterates cursor pages to the end', async () => {
    const documentNumber = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const order = await data(
        client().POST('/v1/orders', {
          body: orderRequest({ buyer: { ...orderRequest().buyer, documentNumber } }),
        }),
      );
      ids.push(order.id);
    }
    const seen: string[] = [];
    for await (const order of pages((cursor) =>
      client().GET('/v1/orders', {
        params: { query: { buyerDocumentNumber: documentNumber, limit: 2, ...(cursor ? { cursor } : {}) } },
      }),
    )) {
      seen.push(order.id);
    }
    expect(seen.sort()).toEqual(ids.sort());
  });

  it("verifies our signed webhooks with the endpoint's secret, and refuses a tampered one", async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await data(
        client().POST('/v1/webhook-endpoints', {
          body: { url: `${receiver.url}/ok/${randomUUID()}`, events: ['order.created'] },
        }),
      );
      const order = await data(client().POST('/v1/orders', { body: orderRequest() }));
      const delivery = await eventually(async () =>
        receiver.received.find(
          (received) =>
            received.path.startsWith(new URL(endpoint.url).pathname) && received.body.includes(order.id),
        ),
      );
      const event = verifyWebhook(endpoint.secret, delivery.headers as Record<string, string>, delivery.body);
      expect(event.type).toBe('order.created');
      expect((event.data as { id: string }).id).toBe(order.id);
      // Its id, as typed: the signed webhook-id (outside test 8 found it undefined).
      expect(event.id).toBe(delivery.headers['webhook-id']);
      expect(event.id).toMatch(/^evt_/);
      expect(() =>
        verifyWebhook(
          endpoint.secret,
          delivery.headers as Record<string, string>,
          delivery.body.replace('PEN', 'USD'),
        ),
      ).toThrow();
      expect(() =>
        verifyWebhook(
          `whsec_${Buffer.from('another secret key!!').toString('base64')}`,
          delivery.headers as Record<string, string>,
          delivery.body,
        ),
      ).toThrow();
      // A 204 is a success with nothing to return, not an error.
      await expect(
        data(client().DELETE('/v1/webhook-endpoints/{id}', { params: { path: { id: endpoint.id } } })),
      ).resolves.toBeUndefined();
    } finally {
      await receiver.stop();
    }
  });
});

describe('SDK retries (against a scripted server on 127.0.0.1)', () => {
  let server: Server;
  let baseUrl = '';
  const seen: { method: string; idempotencyKey: string | undefined }[] = [];
  let script: ((index: number) => { status: number; headers?: Record<string, string> } | 'drop')[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const index = seen.length;
        seen.push({
          method: request.method ?? '',
          idempotencyKey: request.headers['idempotency-key'] as string,
        });
        const step = script[index]?.(index) ?? { status: 200 };
        if (step === 'drop') {
          request.socket.destroy();
          return;
        }
        const ok = step.status < 400;
        response.writeHead(step.status, {
          'content-type': ok ? 'application/json' : 'application/problem+json',
          ...step.headers,
        });
        response.end(
          JSON.stringify(
            ok
              ? { items: [], nextCursor: null }
              : {
                  type: 'about:blank',
                  title: 'x',
                  status: step.status,
                  code: `code_${step.status}`,
                  detail: 'scripted',
                },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const scripted = (steps: typeof script) => {
    seen.length = 0;
    script = steps;
    return createClient({ baseUrl, apiKey: 'k', retryBaseMs: 5, maxRetries: 3 });
  };

  it('retries a create through a dropped connection, a 503 and a 429 (waiting its Retry-After), with one key', async () => {
    const sdk = scripted([
      () => 'drop',
      () => ({ status: 503 }),
      () => ({ status: 429, headers: { 'retry-after': '1' } }),
    ]);
    const started = Date.now();
    await sdk.POST('/v1/payouts', { body: { sellerId: 's', currency: 'PEN' } });
    expect(seen).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const keys = new Set(seen.map((request) => request.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never retries a client error, and gives up after maxRetries with the last error', async () => {
    const refused = scripted([() => ({ status: 400 })]);
    await expect(refused.GET('/v1/orders', {})).rejects.toMatchObject({ status: 400, code: 'code_400' });
    expect(seen).toHaveLength(1);

    const down = scripted(Array.from({ length: 10 }, () => () => ({ status: 502 })));
    await expect(down.GET('/v1/orders', {})).rejects.toMatchObject({ status: 502 });
    expect(seen).toHaveLength(4);
  });
});
