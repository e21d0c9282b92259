import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, http, orderRequest, sandbox, stack } from '../support/api';
import { requesterKey } from '../support/keys';

type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
};
type Page = { items: Order[]; nextCursor: string | null };

describe('orders API over HTTP', () => {
  it('creates an order with a CIP the sandbox knows, then finds it by id, by CIP and in lists', async () => {
    const request = orderRequest();
    const created = await api<Order>('POST', '/v1/orders', { body: request });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/orders/${created.body.id}`);
    const order = created.body;
    expect(order).toMatchObject({
      reference: request.reference,
      status: 'PENDING_PAYMENT',
      currency: 'PEN',
      amount: 15000,
      splits: request.splits,
      buyer: request.buyer,
      voucher: { provider: 'pagoefectivo' },
    });
    expect(order.voucher.cip).toMatch(/^\d{7,8}$/);
    expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBeGreaterThan(1439 * 60_000);

    const atPsp = await sandbox<{
      status: string;
      amount: string;
      transactionCode: string;
      currency: string;
    }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
    expect(atPsp.body).toMatchObject({
      status: 'generated',
      amount: '150.00',
      currency: 'PEN',
      transactionCode: order.id,
    });
    const page = await fetch(order.voucher.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(order.voucher.cip);

    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body).toEqual(order);
    expect((await api<Order>('GET', `/v1/vouchers/${order.voucher.cip}`)).body).toEqual(order);

    const bySeller = await api<Page>('GET', '/v1/orders?sellerId=seller-b&limit=100');
    expect(bySeller.body.items.map((item) => item.id)).toContain(order.id);
    const byStatus = await api<Page>('GET', '/v1/orders?status=PENDING_PAYMENT&limit=100');
    expect(byStatus.body.items.map((item) => item.id)).toContain(order.id);
    const bySellerAndOtherStatus = await api<Page>(
      'GET',
      '/v1/orders?sellerId=seller-b&status=PAID&limit=100',
    );
    expect(bySellerAndOtherStatus.body.items.map((item) => item.id)).not.toContain(order.id);
  });

  it('finds the one order for a marketplace reference (e.g. after a create that timed out)', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const found = await api<Page>('GET', `/v1/orders?reference=${encodeURIComponent(order.reference)}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      items: [{ id: order.id, reference: order.reference }],
      nextCursor: null,
    });
    const otherStatus = await api<Page>('GET', `/v1/orders?reference=${order.reference}&status=PAID`);
    expect(otherStatus.body.items).toEqual([]);
    const otherSeller = await api<Page>('GET', `/v1/orders?reference=${order.reference}&sellerId=nobody`);
    expect(otherSeller.body.items).toEqual([]);
    const unknown = await api<Page>('GET', `/v1/orders?reference=never-used-${Date.now()}`);
    expect(unknown.body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cursor that belongs to another listing, or was never issued, as a 400 on query.cursor', async () => {
    await api('POST', '/v1/orders', { body: orderRequest() });
    await api('POST', '/v1/orders', { body: orderRequest() });
    const bySeller = await api<Page>('GET', '/v1/orders?sellerId=seller-a&limit=1');
    expect(bySeller.body.nextCursor).toEqual(expect.any(String));
    const forged = Buffer.from(JSON.stringify({ pk: 'ORDER#x', sk: 'ORDER' })).toString('base64url');
    for (const query of [
      `status=PAID&cursor=${bySeller.body.nextCursor}`,
      `limit=5&cursor=${forged}`,
      `sellerId=seller-b&cursor=${bySeller.body.nextCursor}`,
      'cursor=not-a-cursor',
    ]) {
      const refused = await api<{ status: number; errors?: { field: string }[] }>(
        'GET',
        `/v1/orders?${query}`,
      );
      expect(refused.status, query).toBe(400);
      expect(refused.body.errors?.[0]?.field, query).toBe('query.cursor');
    }
  });

  it('pages through a seller with an opaque cursor, newest first, no repeats', async () => {
    const sellerId = `seller-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await api<Order>('POST', '/v1/orders', {
        body: orderRequest({ amount: 1000, splits: [{ sellerId, amount: 1000, fee: 0 }] }),
      });
      ids.push(created.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/orders?sellerId=${sellerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { body: Page } = await api<Page>('GET', query);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('cancels a pending order and deletes its CIP at the PSP; a second cancel is a 409', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const cancelled = await api<Order>('POST', `/v1/orders/${order.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(cancelled.body.history.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      source: 'api',
    });
    expect(
      (await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`)).body.status,
    ).toBe('deleted');

    const again = await api<Problem>('POST', `/v1/orders/${order.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.body).toMatchObject({ code: 'invalid_status', status: 409 });
  });

  it('a cancel or fulfil retried with its Idempotency-Key answers as the first did, not 409 (decision 132)', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const headers = { 'idempotency-key': `cancel-${randomUUID()}` };
    const cancelled = await api<Order>('POST', `/v1/orders/${order.id}/cancel`, { headers });
    const retried = await api<Order>('POST', `/v1/orders/${order.id}/cancel`, { headers });
    expect([cancelled.status, retried.status]).toEqual([200, 200]);
    expect(retried.body).toEqual(cancelled.body);
    // Another request (a new key) is still told the order is not cancellable any more.
    const another = await api<Problem>('POST', `/v1/orders/${order.id}/cancel`, {
      headers: { 'idempotency-key': `cancel-${randomUUID()}` },
    });
    expect(another.body).toMatchObject({ code: 'invalid_status', status: 409 });

    const paid = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    await sandbox('POST', `/_sandbox/cips/${paid.voucher.cip}/pay`, {});
    await eventually(async () => {
      const current = await api<Order>('GET', `/v1/orders/${paid.id}`);
      return current.body.status === 'PAID' ? current.body : undefined;
    });
    const fulfilKey = { 'idempotency-key': `fulfil-${randomUUID()}` };
    const fulfilled = await api<Order>('POST', `/v1/orders/${paid.id}/fulfil`, { headers: fulfilKey });
    const fulfilledAgain = await api<Order>('POST', `/v1/orders/${paid.id}/fulfil`, { headers: fulfilKey });
    expect([fulfilled.status, fulfilledAgain.status]).toEqual([200, 200]);
    expect(fulfilledAgain.body.version).toBe(fulfilled.body.version);
  });

  it('refuses to cancel an order whose voucher was just paid at the PSP', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify: false });
    const refused = await api<Problem>('POST', `/v1/orders/${order.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('voucher_not_deletable');
    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.status).toBe('PENDING_PAYMENT');
  });

  it('answers an unknown path or method with the same 404 problem as API Gateway', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nothing-here'],
      ['PUT', '/v1/orders'],
    ]) {
      const response = await api<{ code: string; status: number }>(method as string, path as string);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('serves its OpenAPI document without an API key', async () => {
    const document = await api<{ openapi: string }>('GET', '/openapi.json', { auth: false });
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
  });
});

describe('idempotency', () => {
  it('replays the identical response for the same key and body, and creates one CIP', async () => {
    const body = orderRequest();
    const headers = { 'idempotency-key': `idem-${crypto.randomUUID()}` };
    const first = await api('POST', '/v1/orders', { body, headers });
    const second = await api('POST', '/v1/orders', { body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
  });

  it('answers 409 when the same key comes with another body', async () => {
    const headers = { 'idempotency-key': `idem-${crypto.randomUUID()}` };
    expect((await api('POST', '/v1/orders', { body: orderRequest(), headers })).status).toBe(201);
    const conflict = await api<Problem>('POST', '/v1/orders', { body: orderRequest(), headers });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('idempotency_key_reused');
  });

  it("is the caller's, not the key's: the same person's second key replays, another person's key does not (decision 133)", async () => {
    const principal = `integrator-${crypto.randomUUID()}`;
    const [firstKey, rotatedKey, someoneElse] = await Promise.all([
      requesterKey(principal),
      requesterKey(principal),
      requesterKey(),
    ]);
    const body = orderRequest();
    const idempotencyKey = { 'idempotency-key': `idem-${crypto.randomUUID()}` };
    const first = await api<Order>('POST', '/v1/orders', {
      body,
      headers: { ...firstKey, ...idempotencyKey },
    });
    expect(first.status).toBe(201);
    // A retry sent with the marketplace's new key after a rotation: the first answer, not a second run.
    const retried = await api('POST', '/v1/orders', { body, headers: { ...rotatedKey, ...idempotencyKey } });
    expect(retried.status).toBe(201);
    expect(JSON.stringify(retried.body)).toBe(JSON.stringify(first.body));
    // Another caller's key with the same header value is a request of its own.
    const other = await api<Problem>('POST', '/v1/orders', {
      body,
      headers: { ...someoneElse, ...idempotencyKey },
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'reference_taken', orderId: first.body.id });
  });

  it('lets exactly one of many concurrent requests with one reference create an order', async () => {
    const body = orderRequest();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api<Order | Problem>('POST', '/v1/orders', { body })),
    );
    const created = results.filter((result) => result.status === 201);
    const conflicts = results.filter((result) => result.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(5);
    const winner = created[0]?.body as Order | undefined;
    for (const conflict of conflicts)
      expect(conflict.body).toMatchObject({ code: 'reference_taken', orderId: winner?.id });
    const byVoucher = await api<Order>('GET', `/v1/vouchers/${winner?.voucher.cip}`);
    expect(byVoucher.body.id).toBe(winner?.id);
  });
});

describe('errors are problem+json', () => {
  it('400 names every invalid field', async () => {
    const response = await api<Problem>('POST', '/v1/orders', {
      body: { ...orderRequest(), amount: 100, buyer: { ...orderRequest().buyer, email: 'x' } },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors?.map((error) => error.field).sort()).toEqual(['buyer.email', 'splits']);
  });

  it('400 for a body that is not JSON, and for bad query and path parameters', async () => {
    const notJson = await api<Problem>('POST', '/v1/orders', { rawBody: '{"reference":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors?.[0]?.field).toBe('body');
    const badLimit = await api<Problem>('GET', '/v1/orders?limit=1000');
    expect(badLimit.body.errors?.[0]?.field).toBe('query.limit');
    const badCursor = await api<Problem>('GET', '/v1/orders?cursor=nonsense');
    expect(badCursor.body.errors?.[0]?.field).toBe('query.cursor');
    const badId = await api<Problem>('GET', '/v1/orders/not-an-id');
    expect(badId.body.errors?.[0]?.field).toBe('path.id');
  });

  it('401 without or with a wrong API key', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-0123456789abcdef' },
      { authorization: 'Basic abc' },
    ];
    for (const headers of attempts) {
      const response = await http<Problem>('GET', `${stack().apiUrl}/v1/orders`, { headers, auth: false });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthorized');
    }
  });

  it('404 for unknown orders and vouchers', async () => {
    expect((await api<Problem>('GET', '/v1/orders/ord_00000000000000000000000000')).status).toBe(404);
    expect((await api<Problem>('GET', '/v1/vouchers/99999999')).body.code).toBe('not_found');
  });

  it('409 names the existing order when a reference is reused', async () => {
    const body = orderRequest();
    const first = await api<Order>('POST', '/v1/orders', { body });
    const second = await api<Problem & { orderId: string }>('POST', '/v1/orders', { body });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'reference_taken', orderId: first.body.id });
  });
});
