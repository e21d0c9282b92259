/**
 * The wallet providers as their public documentation describes them (fixtures beside this file,
 * each naming its source or saying it is not documented): our Yape-through-dLocal adapter's
 * requests and the sandbox's dLocal speaking Yape (YP) strictly, as dLocal documents it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfigForTests } from '#platform/config';
import { DlocalClient } from '#psp/dlocal/client';
import { dlocalSignature, signatureFromHeaders } from '#psp/dlocal/dlocal-signature';
import { DlocalYape } from '#psp/dlocal/yape';
import { closeServer, DEFAULT_DLOCAL_SANDBOX, type Sandbox, startSandbox } from '../../local/sandbox/server';
import { startFakePsp } from '../support/fake-psp';

type Json = Record<string, unknown>;
const fixture = <T = Json>(path: string): T =>
  JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
const at = (body: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], body);

interface YapeSpec {
  source: string;
  method: Json;
  required: Record<string, string>;
  requiredPerIssue: Record<string, string> & { _source: string };
  reply: { _source: string; body: Json };
}
const spec = fixture<YapeSpec>('./dlocal/yape-payment.json');
const dlocalErrors = fixture<{ errors: { http: number; code: number }[] }>('./dlocal/errors.json').errors;

const NOTIFY = 'https://api.example.pe/webhooks/dlocal';
const yapeOn = (baseUrl: string) =>
  new DlocalYape(
    new DlocalClient({
      baseUrl,
      credentials: async () => DEFAULT_DLOCAL_SANDBOX,
      now: () => new Date(),
      timeoutMs: 2000,
      notificationUrl: NOTIFY,
    }),
  );
let optionCounter = 0;
/** A fresh option id in our format (`po_` + 26 Crockford characters). */
const optionId = () => `po_01JF${String(++optionCounter).padStart(22, '0')}`;
const walletInput = (id: string) => ({
  optionId: id,
  orderId: 'ord_contract_1',
  amountMinor: 15000,
  currency: 'PEN' as const,
  expiresAt: new Date(Date.now() + 86_400_000),
  concept: 'Pedido 1',
  buyer: { email: 'ana@example.pe', firstName: 'Ana', lastName: 'Núñez', documentNumber: '45678912' },
});

beforeAll(() => {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.WALLET_CALLBACK_URL = 'https://shop.example.pe/gracias';
  resetConfigForTests();
});

describe('Yape through dLocal (YP), as docs.dlocal.com documents it', () => {
  it('names a public source for the fixture, and says what is not documented', () => {
    expect(spec.source).toMatch(/^https:\/\/docs\.dlocal\.com\//);
    expect(spec.requiredPerIssue._source).toMatch(/^not documented publicly — derived from /);
    expect(spec.reply._source).toMatch(/^not documented publicly — derived from /);
  });

  it('sends every required field of a YP payment with its type, and reads the redirect reply', async () => {
    const seen: Json[] = [];
    const psp = await startFakePsp((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(spec.reply.body));
      });
    });
    try {
      const created = await yapeOn(psp.url).createWalletOrder(walletInput(optionId()));
      expect(created).toMatchObject({
        providerRef: spec.reply.body.id,
        redirectUrl: spec.reply.body.redirect_url,
        wallets: ['yape'],
      });
      const body = seen[0] as Json;
      const { _source, ...perIssue } = spec.requiredPerIssue;
      for (const [path, type] of Object.entries({ ...spec.required, ...perIssue })) {
        expect(typeof at(body, path), `${path} is a ${type}`).toBe(type);
      }
      for (const [field, value] of Object.entries(spec.method).filter(
        ([field]) => field !== 'payment_method_type',
      ))
        expect(body[field], field).toBe(value);
      expect(at(body, 'payer.document')).toMatch(/^(\d{8,9}|\d{11})$/);
      expect(body.notification_url).toBe(NOTIFY);
      expect(body.callback_url).toBe('https://shop.example.pe/gracias');
    } finally {
      await psp.stop();
    }
  });
});

describe("the sandbox's dLocal speaking Yape (YP), strictly", () => {
  let sandbox: Sandbox;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end();
    });
  });
  let notifyUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/dlocal`;
    sandbox = await startSandbox({
      port: 0,
      serviceId: '1',
      accessKey: 'a',
      secretKey: 's',
      notificationUrl: 'http://127.0.0.1:9/unused',
    });
  });
  afterAll(async () => {
    await sandbox.stop();
    await closeServer(receiver);
  });

  /** Sends a YP create with `body` changed by `change`, signed as dLocal wants. */
  const createRaw = async (change: (body: Json) => void) => {
    const client = new DlocalClient({
      baseUrl: `${sandbox.url}/dlocal`,
      credentials: async () => DEFAULT_DLOCAL_SANDBOX,
      now: () => new Date(),
      timeoutMs: 2000,
    });
    const body: Json = {
      amount: 150,
      currency: 'PEN',
      country: 'PE',
      payment_method_id: 'YP',
      payment_method_flow: 'REDIRECT',
      order_id: optionId(),
      callback_url: 'https://shop.example.pe/gracias',
      notification_url: notifyUrl,
      device: { type: 'MOBILE' },
      payer: { name: 'Ana Núñez', email: 'ana@example.pe', document: '45678912' },
    };
    change(body);
    const reply = await client.send('POST', '/payments', body);
    return { status: reply.status, body: reply.body as Json };
  };

  it.each([
    ['callback_url', (body: Json) => delete body.callback_url],
    ['device.type', (body: Json) => delete body.device],
    ['notification_url', (body: Json) => delete body.notification_url],
  ])('refuses a YP payment without %s: 400 5001 naming it (a documented code)', async (param, change) => {
    const reply = await createRaw(change);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 5001, param });
    expect(dlocalErrors).toContainEqual(expect.objectContaining({ http: 400, code: 5001 }));
  });

  it('refuses Yape in another currency or flow, and a payer without a DNI/RUC', async () => {
    expect((await createRaw((body) => (body.currency = 'USD'))).body).toMatchObject({ code: 5004 });
    expect((await createRaw((body) => (body.payment_method_flow = 'DIRECT'))).body).toMatchObject({
      code: 5000,
      param: 'payment_method_flow',
    });
    expect((await createRaw((body) => ((body.payer as Json).document = 'X1'))).body).toMatchObject({
      code: 5000,
      param: 'payer.document',
    });
  });

  it('creates, answers a redirect_url, pays (signed notification), reads the status, cancels and refunds to the wallet', async () => {
    const yape = yapeOn(`${sandbox.url}/dlocal`);
    const id = optionId();
    const created = await yape.createWalletOrder(walletInput(id));
    expect(created.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/yape\/D-4-/);
    // The documented reply's keys, every one (the redirect too).
    const shown = await (await fetch(`${sandbox.url}/_sandbox/wallets/${id}`)).json();
    for (const key of Object.keys(spec.reply.body).filter((key) => key !== 'notification_url'))
      expect(shown, key).toHaveProperty(key);
    expect(await yape.walletStatus({ providerRef: created.providerRef, optionId: id })).toMatchObject({
      state: 'pending',
    });
    // A refund before the payment is refused, as dLocal refuses a refund of an unpaid payment.
    await expect(
      yape.refundWalletPayment({
        refundId: 'ref_1',
        providerRef: created.providerRef,
        operationNumber: created.providerRef,
        amountMinor: 15000,
        currency: 'PEN',
      }),
    ).rejects.toThrow();

    // The notification goes where the payment said, signed: point it at our receiver.
    const pay = await fetch(`${sandbox.url}/_sandbox/wallets/${id}/pay`, { method: 'POST', body: '{}' });
    expect(pay.status).toBe(200);
    expect(received).toHaveLength(0); // the adapter named api.example.pe: unreachable, nothing here
    const status = await yape.walletStatus({ providerRef: created.providerRef, optionId: id });
    expect(status).toMatchObject({ state: 'paid', providerRef: created.providerRef });
    expect(await yape.cancelWalletOrder({ providerRef: created.providerRef, optionId: id })).toBe(
      'not_cancellable',
    );
    const refund = await yape.refundWalletPayment({
      refundId: 'ref_2',
      providerRef: created.providerRef,
      operationNumber: created.providerRef,
      amountMinor: 15000,
      currency: 'PEN',
    });
    expect(refund.status).toBe('pending');
    const after = (await (await fetch(`${sandbox.url}/_sandbox/wallets/${id}`)).json()) as {
      refunds: { amount: number }[];
    };
    expect(after.refunds.map((entry) => entry.amount)).toEqual([15000]);

    // An unpaid one is cancelled, and then cannot be paid.
    const other = optionId();
    const second = await yape.createWalletOrder(walletInput(other));
    expect(await yape.cancelWalletOrder({ providerRef: second.providerRef, optionId: other })).toBe(
      'cancelled',
    );
    const late = await fetch(`${sandbox.url}/_sandbox/wallets/${other}/pay`, { method: 'POST', body: '{}' });
    expect(late.status).toBe(409);
  });

  it("notifies a paid Yape payment as dLocal's documented notification: the payment object, order_id our option, signed", async () => {
    const created = await createRaw(() => {});
    expect(created.status).toBe(200);
    const id = String(created.body.order_id);
    received.length = 0;
    const pay = await fetch(`${sandbox.url}/_sandbox/wallets/${id}/pay`, {
      method: 'POST',
      body: JSON.stringify({ copies: 2 }),
    });
    expect(pay.status).toBe(200);
    expect(received).toHaveLength(2);
    const documented = fixture<{ body: Json }>('./dlocal/notification-paid.json').body;
    for (const delivery of received) {
      const body = JSON.parse(delivery.body) as Json;
      expect(body).toMatchObject({
        id: created.body.id,
        order_id: id,
        status: 'PAID',
        payment_method_id: 'YP',
      });
      // As the documented example: no approved_date, every documented key present.
      expect(body.approved_date).toBeUndefined();
      for (const key of Object.keys(documented)) expect(body, key).toHaveProperty(key);
      const given = signatureFromHeaders(delivery.headers.authorization as string | undefined, undefined);
      expect(given).toBe(
        dlocalSignature(
          DEFAULT_DLOCAL_SANDBOX.secretKey,
          DEFAULT_DLOCAL_SANDBOX.login,
          String(delivery.headers['x-date']),
          delivery.body,
        ),
      );
    }
  });
});
