/**
 * Culqi's orders ("órdenes de pago", wallets) as its public documentation and its own libraries
 * show them (test/contracts/culqi/, each fixture naming its source or saying it is not documented):
 * our client's requests and parsers, and the sandbox's replies, against those shapes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CulqiClient } from '#psp/culqi/client';
import { parseCulqiNotification } from '#psp/culqi/notification';
import { DEFAULT_CULQI_SANDBOX, type Sandbox, startSandbox } from '../../local/sandbox/server';
import { startFakePsp } from '../support/fake-psp';

type Json = Record<string, unknown>;
const fixture = <T = Json>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./culqi/${name}`, import.meta.url), 'utf8')) as T;
const at = (body: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], body);

const create = fixture<{ required: Record<string, string>; reply: Json }>('create-order.json');
const orders = fixture<{ states: string[]; examples: Json[] }>('order-object.json');
const event = fixture<{ body: Json }>('order-status-changed.json');
const refund = fixture<{
  required: Record<string, string>;
  reply: Json;
  reasons: { values: string[]; chargeIdPrefix: string };
}>('refund.json');
const error = fixture<{ body: Json; types: string[] }>('error.json');

const clientOn = (baseUrl: string) =>
  new CulqiClient({ baseUrl, secretKey: async () => DEFAULT_CULQI_SANDBOX.secretKey, timeoutMs: 2000 });
const walletInput = (optionId: string) => ({
  optionId,
  orderId: 'ord_contract_1',
  amountMinor: 15000,
  currency: 'PEN' as const,
  expiresAt: new Date(Date.now() + 86_400_000),
  concept: 'Pedido 1',
  buyer: { email: 'ana@example.pe', firstName: 'Ana', lastName: 'Núñez', phone: '+51987654321' },
});

/** A fake Culqi answering every call with `reply`, recording the requests. */
async function fakeCulqi(reply: { status: number; body: unknown }) {
  const seen: { method: string; url: string; body: Json }[] = [];
  const psp = await startFakePsp((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', body: text ? JSON.parse(text) : {} });
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
  });
  return { psp, seen };
}

describe('Culqi, as its documentation and libraries show it', () => {
  it('names a public source for every fixture, or says it is not documented and what it is derived from', () => {
    const directory = new URL('./culqi/', import.meta.url);
    const names = readdirSync(directory).filter((name) => name.endsWith('.json'));
    expect(names.sort()).toEqual([
      'create-order.json',
      'error.json',
      'order-object.json',
      'order-status-changed.json',
      'refund.json',
    ]);
    for (const name of names) {
      const spec = fixture<{ source: string; documented: boolean }>(name);
      expect(typeof spec.documented, name).toBe('boolean');
      expect(spec.source, name).toMatch(
        spec.documented
          ? /^https:\/\/(docs\.culqi\.com|github\.com)\//
          : /^not documented publicly — derived from /,
      );
    }
  });

  it('creates an order with every documented field and type, and reads the documented order reply', async () => {
    const { psp, seen } = await fakeCulqi({ status: 201, body: create.reply });
    try {
      const created = await clientOn(psp.url).createWalletOrder(walletInput('po_01JF0000000000000000000001'));
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/v2/orders' });
      const body = seen[0]?.body as Json;
      for (const [path, type] of Object.entries(create.required))
        expect(typeof at(body, path), `${path} is a ${type}`).toBe(type);
      expect(Number.isInteger(body.amount)).toBe(true); // céntimos
      expect(body.currency_code).toBe('PEN');
      // Unix seconds, as the create examples send it.
      expect(body.expiration_date as number).toBeLessThan(1e12);
      expect(created.providerRef).toBe(create.reply.id);
      // The documented reply has no QR text (decision 105): nothing is invented.
      expect(created.qrPayload).toBeUndefined();
      // Its expiration_date is in milliseconds: read as a date, not 1970 or year 50,000.
      expect(created.expiresAt.toISOString()).toBe(new Date(1538540700000).toISOString());
    } finally {
      await psp.stop();
    }
  });

  it.each(orders.examples.map((order) => [order.state as string, order] as const))(
    'reads the documented order object (%s) into a wallet status',
    async (state, order) => {
      const { psp } = await fakeCulqi({ status: 200, body: order });
      try {
        const status = await clientOn(psp.url).walletStatus({
          providerRef: String(order.id),
          optionId: String(order.order_number),
        });
        expect(status).toMatchObject({
          providerRef: order.id,
          optionId: order.order_number,
          state: state === 'deleted' ? 'cancelled' : state,
          amountMinor: order.amount,
          currency: 'PEN',
        });
      } finally {
        await psp.stop();
      }
    },
  );

  it('reads order.status.changed (data a JSON string of the order) for the order it names, and nothing more', () => {
    const parsed = parseCulqiNotification(Buffer.from(JSON.stringify(event.body)));
    expect(parsed).toEqual({
      kind: 'status',
      providerRef: 'ord_live_xjmEW4dIyJM9G4cc',
      optionId: '#id-9999',
    });
  });

  it('never asks Culqi to refund an order id: without its charge (chr_…) the refund is refused before any call', async () => {
    const { psp, seen } = await fakeCulqi({ status: 201, body: refund.reply });
    try {
      const refused = await clientOn(psp.url)
        .refundWalletPayment({
          refundId: 'rf_2',
          providerRef: 'ord_live_xjmEW4dIyJM9G4cc',
          operationNumber: 'ord_live_xjmEW4dIyJM9G4cc',
          amountMinor: 2000,
          currency: 'PEN',
        })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'psp_rejected' });
      expect(String((refused as Error).message)).toContain('bank transfer');
      expect(seen).toHaveLength(0);
    } finally {
      await psp.stop();
    }
  });

  it('refunds with the documented fields and a documented reason, and reads the documented refund object', async () => {
    const { psp, seen } = await fakeCulqi({ status: 201, body: refund.reply });
    try {
      const done = await clientOn(psp.url).refundWalletPayment({
        refundId: 'rf_1',
        providerRef: 'ord_live_xjmEW4dIyJM9G4cc',
        operationNumber: 'chr_live_kEazTaQBDtzNdwFr',
        amountMinor: 2000,
        currency: 'PEN',
      });
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/v2/refunds' });
      const body = seen[0]?.body as Json;
      for (const [path, type] of Object.entries(refund.required))
        expect(typeof at(body, path), `${path} is a ${type}`).toBe(type);
      expect(body.charge_id).toBe('chr_live_kEazTaQBDtzNdwFr');
      // What Culqi's own SDKs accept (refund_validation): one of their reasons, a `chr` charge.
      expect(refund.reasons.values).toContain(body.reason);
      expect(String(body.charge_id).startsWith(refund.reasons.chargeIdPrefix)).toBe(true);
      expect(done.providerRefundId).toBe(refund.reply.id);
    } finally {
      await psp.stop();
    }
  });

  it("passes Culqi's error object on as a refusal naming its merchant message", async () => {
    const { psp } = await fakeCulqi({ status: 400, body: error.body });
    try {
      await expect(
        clientOn(psp.url).createWalletOrder(walletInput('po_01JF0000000000000000000002')),
      ).rejects.toThrow(String(error.body.merchant_message));
    } finally {
      await psp.stop();
    }
  });
});

describe("the sandbox's Culqi, against the same shapes", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      serviceId: '1',
      accessKey: 'a',
      secretKey: 's',
      notificationUrl: 'http://127.0.0.1:9/unused',
    });
  });
  afterAll(() => sandbox.stop());
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    key = DEFAULT_CULQI_SANDBOX.secretKey,
  ) => {
    const response = await fetch(`${sandbox.url}/culqi${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('answers the documented request with every key of the documented order object, in a documented state', async () => {
    const reply = await call('POST', '/v2/orders', {
      ...(create as unknown as { request: Json }).request,
      order_number: 'po_01JF0000000000000000000003',
      expiration_date: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(reply.status).toBe(201);
    for (const key of Object.keys(create.reply)) expect(reply.body, key).toHaveProperty(key);
    expect(orders.states).toContain(reply.body.state);
  });

  it('refunds a paid order with the refund object’s documented keys, and errs in the error object’s shape', async () => {
    const created = await call('POST', '/v2/orders', {
      ...(create as unknown as { request: Json }).request,
      order_number: 'po_01JF0000000000000000000004',
      expiration_date: Math.floor(Date.now() / 1000) + 3600,
    });
    const paid = await fetch(`${sandbox.url}/_sandbox/wallets/po_01JF0000000000000000000004/pay`, {
      method: 'POST',
      body: JSON.stringify({ notify: false }),
    });
    const chargeId = ((await paid.json()) as Json).chargeId;
    const done = await call('POST', '/v2/refunds', {
      amount: 500,
      charge_id: chargeId,
      reason: 'duplicado',
    });
    expect(done.status).toBe(201);
    for (const key of Object.keys(refund.reply)) expect(done.body, key).toHaveProperty(key);
    expect(created.body.id).toMatch(/^ord_/);

    const refused = await call('POST', '/v2/orders', { amount: 12.5, currency_code: 'PEN' });
    expect(refused.status).toBe(400);
    for (const key of Object.keys(error.body)) expect(refused.body, key).toHaveProperty(key);
    expect(error.types).toContain(refused.body.type);
    const denied = await call('GET', '/v2/orders/ord_x', undefined, 'sk_test_wrong');
    expect(denied.status).toBe(401);
    expect(error.types).toContain(denied.body.type);
  });
});
