/**
 * The providers as their public documentation describes them, not as our sandbox mirrors them.
 * Every fixture beside this file is retyped from a named public source (its `source` field):
 * (a) our parsers accept every documented notification and reply, (b) our requests carry every
 * field the docs mark required, with the documented types, (c) the sandbox's replies and
 * notifications have the same shapes.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlocalClient } from '#psp/dlocal/client';
import { parseDlocalNotification } from '#psp/dlocal/notification';
import { PagoEfectivoClient } from '#psp/pagoefectivo/client';
import { toLimaIso } from '#psp/pagoefectivo/lima-time';
import { parseNotification } from '#psp/pagoefectivo/notification';
import {
  authorizationHash,
  isValidNotificationSignature,
  notificationSignature,
} from '#psp/pagoefectivo/pe-signature';
import { DEFAULT_DLOCAL_SANDBOX, type Sandbox, startSandbox } from '../../local/sandbox/server';
import { startFakePsp } from '../support/fake-psp';

type Json = Record<string, unknown>;
const fixture = <T = Json>(path: string): T =>
  JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
const raw = (body: unknown) => Buffer.from(JSON.stringify(body));
const RECEIVED = new Date('2026-12-03T15:00:00.000Z');

/** The value at a dotted path (`payer.document`). */
const at = (body: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], body);

function expectRequired(body: Json, required: Record<string, string>) {
  for (const [path, type] of Object.entries(required)) {
    const value = at(body, path);
    expect(value, `${path} is required`).not.toBeUndefined();
    expect(typeof value, `${path} is a ${type}`).toBe(type);
  }
}

/** Reads one request's JSON body and answers `reply`. */
function answer(reply: { status: number; body: unknown }, seen: Json[]) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({ path: request.url, headers: request.headers, body: text ? JSON.parse(text) : undefined });
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
  };
}

/** Our dLocal client against `baseUrl`, with the sandbox's credentials. */
const dlocalClient = (baseUrl: string, notificationUrl?: string) =>
  new DlocalClient({
    baseUrl,
    credentials: async () => DEFAULT_DLOCAL_SANDBOX,
    now: () => new Date(),
    timeoutMs: 2000,
    ...(notificationUrl === undefined ? {} : { notificationUrl }),
  });

const voucherInput = {
  transactionCode: 'ord_contract_1',
  currency: 'PEN' as const,
  amountMinor: 15000,
  expiresAt: new Date(Date.now() + 86_400_000),
  userEmail: 'ana@example.pe',
  paymentConcept: 'Pedido 1',
  userName: 'Ana',
  userLastName: 'Núñez',
  userDocumentType: 'DNI',
  userDocumentNumber: '45678912',
  userPhone: '+51987654321',
};

describe('dLocal, as docs.dlocal.com documents it', () => {
  const paid = fixture<{ body: Json }>('./dlocal/notification-paid.json').body;
  const approved = fixture<{ body: Json }>('./dlocal/payment-object-paid.json').body;

  it('reads the documented notification (the payment object, no ticket): matched by id and order_id, paid when received', () => {
    expect(parseDlocalNotification(raw(paid), RECEIVED)).toEqual({
      kind: 'paid',
      payment: {
        cip: undefined,
        providerPaymentId: paid.id,
        operationNumber: paid.id,
        amountMinor: 7200,
        currency: 'USD',
        paidAt: RECEIVED,
        // …to be confirmed by sync-pending with GET /payments/{id}'s approved_date.
        paidAtSource: 'received',
        transactionCode: paid.order_id,
      },
    });
  });

  it('takes the payment date from approved_date when the payment object carries one (never created_date)', () => {
    const parsed = parseDlocalNotification(raw(approved), RECEIVED);
    expect(parsed.kind).toBe('paid');
    if (parsed.kind !== 'paid') return;
    expect(parsed.payment.paidAt).toEqual(new Date('2018-02-15T15:14:52Z'));
    expect(parsed.payment.paidAtSource).toBe('provider');
    expect(parsed.payment.amountMinor).toBe(12000);
  });

  it('reads the documented refund notification and both other statuses of a payment object', () => {
    const refund = fixture<{ notification: Json }>('./dlocal/refund.json').notification;
    expect(parseDlocalNotification(raw(refund), RECEIVED)).toEqual({
      kind: 'refund',
      providerRefundId: 'REF42342',
      status: 'succeeded',
    });
    expect(parseDlocalNotification(raw({ ...paid, status: 'PENDING' }), RECEIVED).kind).toBe('informational');
  });

  it('names what is missing when a notification is in no documented shape', () => {
    const { id: _id, ...withoutId } = paid;
    const parsed = parseDlocalNotification(raw(withoutId), RECEIVED);
    expect(parsed).toMatchObject({ kind: 'unparsable' });
    expect(parsed.kind === 'unparsable' && parsed.reason).toContain('id');
  });

  it('sends every documented required field of a Peru cash payment, with its type, and reads the documented ticket reply', async () => {
    const spec = fixture<{ required: Record<string, string>; requiredForDirect: Record<string, string> }>(
      './dlocal/create-payment.json',
    );
    const reply = fixture<{ body: Json }>('./dlocal/create-ticket-reply.json').body;
    const seen: Json[] = [];
    const psp = await startFakePsp(answer({ status: 200, body: reply }, seen));
    try {
      const client = dlocalClient(psp.url, 'https://api.example.pe/webhooks/dlocal');
      const created = await client.createVoucher(voucherInput);
      expect(created.providerPaymentId).toBe(reply.id);
      const body = seen[0]?.body as Json;
      expectRequired(body, { ...spec.required, ...spec.requiredForDirect });
      expect(body.country).toBe('PE');
      expect(at(body, 'payer.document')).toMatch(/^(\d{8,9}|\d{11})$/);
    } finally {
      await psp.stop();
    }
  });

  it('refunds with the documented fields (account-type code, bank and branch, notification_url) and reads the documented reply', async () => {
    const spec = fixture<{ documented: { required: string[]; bank_account_type: string[] }; reply: Json }>(
      './dlocal/refund.json',
    );
    const seen: Json[] = [];
    const psp = await startFakePsp(answer({ status: 200, body: spec.reply }, seen));
    try {
      const client = dlocalClient(psp.url, 'https://api.example.pe/webhooks/dlocal');
      const refund = await client.refund({
        refundId: 'rf_1',
        voucher: { cip: '2500123', providerPaymentId: 'D-4-1' },
        amountMinor: 5000,
        currency: 'PEN',
        bankAccount: {
          cci: '00219300123456789013',
          holderName: 'Ana Núñez',
          documentType: 'DNI',
          documentNumber: '45678912',
          accountType: 'savings',
        },
      });
      expect(refund).toEqual({ providerRefundId: 'REF42342', status: 'succeeded' });
      const body = seen[0]?.body as Json;
      for (const field of spec.documented.required) expect(body[field], field).toEqual(expect.any(String));
      expect(body).toMatchObject({ amount: 50, currency: 'PEN', bank_code: '002', bank_branch: '193' });
      expect(spec.documented.bank_account_type).toContain(body.bank_account_type);
    } finally {
      await psp.stop();
    }
  });

  it('asks for a USD ticket in USD (currency_to_charge), or Peru would charge it in PEN', async () => {
    const seen: Json[] = [];
    const reply = fixture<{ body: Json }>('./dlocal/create-ticket-reply.json').body;
    const psp = await startFakePsp(answer({ status: 200, body: reply }, seen));
    try {
      const client = dlocalClient(psp.url);
      await client.createVoucher({ ...voucherInput, currency: 'USD' });
      await client.createVoucher(voucherInput);
      const [usd, pen] = seen.map((request) => request.body as Json);
      expect(usd?.currency_to_charge).toBe('USD');
      expect(pen?.currency_to_charge).toBeUndefined();
    } finally {
      await psp.stop();
    }
  });

  it('reads the documented status reply (id, status, status_detail, status_code only) without inventing an amount', async () => {
    const reply = fixture<{ body: Json }>('./dlocal/payment-status-reply.json').body;
    const psp = await startFakePsp(answer({ status: 200, body: reply }, []));
    try {
      const client = dlocalClient(psp.url);
      const [status] = await client.searchVouchers([{ cip: '2500123', providerPaymentId: String(reply.id) }]);
      expect(status).toMatchObject({
        cip: '2500123',
        state: 'paid',
        statusCode: 200,
        amountMinor: undefined,
      });
    } finally {
      await psp.stop();
    }
  });
});

describe('PagoEfectivo, as its demo, documentation repository and community clients show it', () => {
  const { examples } = fixture<{ examples: { name: string; body: Json }[] }>(
    './pagoefectivo/notifications.json',
  );

  it.each(examples.map((example) => [example.name, example.body] as const))(
    'reads the documented cip.paid (%s)',
    (_name, body) => {
      const parsed = parseNotification(raw(body), RECEIVED);
      expect(parsed.kind, JSON.stringify(parsed)).toBe('paid');
      if (parsed.kind !== 'paid') return;
      expect(parsed.payment.cip).toMatch(/^\d+$/);
      expect(parsed.payment.amountMinor).toBe(15000);
      const data = body.data as Json;
      expect(parsed.payment.paidAt).toEqual(
        data.paymentDate === undefined ? RECEIVED : new Date('2026-11-26T15:15:00Z'),
      );
      // A receipt time stands in only until sync-pending confirms /v1/cips/search's datePayment.
      expect(parsed.payment.paidAtSource).toBe(data.paymentDate === undefined ? 'received' : 'provider');
    },
  );

  it('names a public source for every example, or says it is not documented', () => {
    for (const example of examples as { name: string; documented?: unknown; _source?: unknown }[]) {
      expect(typeof example.documented, example.name).toBe('boolean');
      expect(String(example._source), example.name).toMatch(
        example.documented
          ? /github\.com\/[\w.-]+\/[\w.-]+ .+commit [0-9a-f]{40}/
          : /^not documented publicly — derived from /,
      );
    }
  });

  it('verifies PE-Signature as the public client computes it (hex HMAC-SHA256 of the raw body, secret key)', () => {
    const { signature } = fixture<{ signature: { header: string } }>('./pagoefectivo/notifications.json');
    expect(signature.header).toBe('PE-Signature');
    for (const { body } of examples) {
      // The Python client's check, in Node: hmac.new(secret, body, sha256).hexdigest().
      const bytes = raw(body);
      const theirs = createHmac('sha256', Buffer.from('secret', 'latin1')).update(bytes).digest('hex');
      expect(notificationSignature('secret', bytes)).toBe(theirs);
      expect(isValidNotificationSignature('secret', bytes, theirs)).toBe(true);
      expect(isValidNotificationSignature('secret', Buffer.concat([bytes, Buffer.from(' ')]), theirs)).toBe(
        false,
      );
    }
  });

  it('sends every documented field of a CIP with its type: amount a number, phone as national digits beside +51', async () => {
    const spec = fixture<{ required: Record<string, string>; alsoSent: Record<string, string>; reply: Json }>(
      './pagoefectivo/create-cip.json',
    );
    const seen: Json[] = [];
    const psp = await startFakePsp(answer({ status: 201, body: spec.reply }, seen));
    try {
      const client = new PagoEfectivoClient({
        baseUrl: psp.url,
        credentials: async () => ({ serviceId: '1', accessKey: 'a', secretKey: 's' }),
        now: () => new Date(),
        timeoutMs: 2000,
      });
      const created = await client.createCip(voucherInput);
      expect(created.cip).toBe('2500123');
      const body = seen[0]?.body as Json;
      expectRequired(body, { ...spec.required, ...spec.alsoSent });
      expect(body.userPhone).toBe('987654321');
      expect(body.userCodeCountry).toBe('+51');
    } finally {
      await psp.stop();
    }
  });
});

describe("the sandbox's dLocal, against the same documented shapes", () => {
  let sandbox: Sandbox;
  const client = (secretKey = DEFAULT_DLOCAL_SANDBOX.secretKey) =>
    new DlocalClient({
      baseUrl: `${sandbox.url}/dlocal`,
      credentials: async () => ({ ...DEFAULT_DLOCAL_SANDBOX, secretKey }),
      now: () => new Date(),
      timeoutMs: 2000,
    });
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

  const signedGet = async (path: string, secretKey = DEFAULT_DLOCAL_SANDBOX.secretKey) => {
    const { dlocalAuthorization, dlocalSignature } = await import('#psp/dlocal/dlocal-signature');
    const date = new Date().toISOString();
    const { login, transKey } = DEFAULT_DLOCAL_SANDBOX;
    const response = await fetch(`${sandbox.url}/dlocal${path}`, {
      headers: {
        'x-date': date,
        'x-login': login,
        'x-trans-key': transKey,
        'x-version': '2.1',
        authorization: dlocalAuthorization(dlocalSignature(secretKey, login, date, '')),
      },
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('answers a status request with exactly the documented keys', async () => {
    const created = await client().createVoucher({ ...voucherInput, transactionCode: `ord_${Date.now()}` });
    const documented = fixture<{ body: Json }>('./dlocal/payment-status-reply.json').body;
    const reply = await signedGet(`/payments/${created.providerPaymentId}/status`);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(Object.keys(documented).sort());
  });

  const signedPost = async (path: string, body: Json) => {
    const { dlocalAuthorization, dlocalSignature } = await import('#psp/dlocal/dlocal-signature');
    const date = new Date().toISOString();
    const { login, transKey, secretKey } = DEFAULT_DLOCAL_SANDBOX;
    const text = JSON.stringify(body);
    const response = await fetch(`${sandbox.url}/dlocal${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-date': date,
        'x-login': login,
        'x-trans-key': transKey,
        'x-version': '2.1',
        authorization: dlocalAuthorization(dlocalSignature(secretKey, login, date, text)),
      },
      body: text,
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('refuses a payer document that is neither a DNI nor a RUC, and a duplicated order id, like dLocal', async () => {
    const request = fixture<{ request: Json }>('./dlocal/create-ticket-reply.json').request;
    const peru: Json = {
      ...request,
      currency: 'PEN',
      country: 'PE',
      payment_method_id: 'EF',
      order_id: `o-${Date.now()}`,
    };
    const payer = (document: string) => ({ ...peru, payer: { ...(peru.payer as Json), document } });
    // dLocal's documented 400 5000 (Invalid request) naming the parameter (errors.json).
    const documented = fixture<{ errors: { http: number; code: number }[] }>('./dlocal/errors.json').errors;
    const refused = await signedPost('/payments', payer('AB123456'));
    expect(refused).toMatchObject({ status: 400, body: { code: 5000, param: 'payer.document' } });
    expect(documented).toContainEqual(expect.objectContaining({ http: 400, code: refused.body.code }));
    // A passport-like number and a CE are no DNI or RUC either.
    for (const document of ['123456', '001234567890']) {
      expect((await signedPost('/payments', payer(document))).body).toMatchObject({ code: 5000 });
    }
    expect((await signedPost('/payments', payer('20131312955'))).status).toBe(200);
    expect(await signedPost('/payments', payer('20131312955'))).toMatchObject({
      status: 400,
      body: { code: 5009 },
    });
  });

  it("refuses a refund whose account type is not one of dLocal's codes (a CCI is a number, not a type)", async () => {
    const created = await client().createVoucher({ ...voucherInput, transactionCode: `ord_r_${Date.now()}` });
    await fetch(`${sandbox.url}/_sandbox/cips/${created.cip}/pay`, {
      method: 'POST',
      body: '{"notify":false}',
    });
    const refund = {
      payment_id: created.providerPaymentId,
      amount: 10,
      currency: 'PEN',
      notification_url: 'http://127.0.0.1:9/unused',
      bank_account: '00219300123456789013',
    };
    expect(await signedPost('/refunds', { ...refund, bank_account_type: 'CCI' })).toMatchObject({
      status: 400,
      body: { code: 5000, param: 'bank_account_type' },
    });
    expect((await signedPost('/refunds', { ...refund, bank_account_type: 'S' })).status).toBe(200);
  });

  it("notifies a payment in the documented shape: the payment object's documented keys, no ticket, signed", async () => {
    const documented = [
      fixture<{ body: Json }>('./dlocal/notification-paid.json').body,
      fixture<{ body: Json }>('./dlocal/payment-object-paid.json').body,
    ];
    const known = new Set(documented.flatMap((body) => Object.keys(body)));
    const received: Json[] = [];
    const receiver = await startFakePsp(answer({ status: 200, body: {} }, received));
    try {
      const psp = dlocalClient(`${sandbox.url}/dlocal`, `${receiver.url}/webhooks/dlocal`);
      const created = await psp.createVoucher({ ...voucherInput, transactionCode: `ord_n_${Date.now()}` });
      await fetch(`${sandbox.url}/_sandbox/cips/${created.cip}/pay`, { method: 'POST', body: '{}' });
      const body = received[0]?.body as Json;
      expect(Object.keys(body).filter((key) => !known.has(key))).toEqual([]);
      expect(body).toMatchObject({
        id: created.providerPaymentId,
        order_id: expect.any(String),
        status: 'PAID',
      });
      expect(body.ticket).toBeUndefined();
      const headers = received[0]?.headers as Record<string, string>;
      expect(headers.authorization).toMatch(/^V2-HMAC-SHA256, Signature: [0-9a-f]{64}$/);
      const parsed = parseDlocalNotification(Buffer.from(JSON.stringify(body)), RECEIVED);
      expect(parsed).toMatchObject({
        kind: 'paid',
        payment: { providerPaymentId: created.providerPaymentId },
      });
    } finally {
      await receiver.stop();
    }
  });

  it("dates a paid payment with approved_date in GET /payments/{id} (Retrieve a payment), which the client reads as dLocal's date", async () => {
    const created = await client().createVoucher({ ...voucherInput, transactionCode: `ord_d_${Date.now()}` });
    const voucher = { cip: created.cip, providerPaymentId: created.providerPaymentId as string };
    expect((await client().paymentDates([voucher])).size).toBe(0);
    await fetch(`${sandbox.url}/_sandbox/cips/${created.cip}/pay`, {
      method: 'POST',
      body: '{"notify":false}',
    });
    const reply = await signedGet(`/payments/${created.providerPaymentId}`);
    const documented = fixture<{ body: Json }>('./dlocal/payment-object-paid.json').body;
    expect(reply.status).toBe(200);
    // Every documented key but notification_url (echoed only when the create sent one; this client sends none).
    const missing = Object.keys(documented).filter(
      (key) => key !== 'notification_url' && !(key in reply.body),
    );
    expect(missing).toEqual([]);
    expect(reply.body).toMatchObject({ id: created.providerPaymentId, status: 'PAID' });
    const dates = await client().paymentDates([voucher]);
    expect(dates.get(created.cip)?.toISOString()).toBe(reply.body.approved_date);
  });

  it('refuses bad credentials as documented: 403, code 3001', async () => {
    const reply = await signedGet('/payments/D-4-x/status', 'not-the-secret');
    const documented = fixture<{ errors: { http: number; code: number }[] }>('./dlocal/errors.json').errors;
    expect(documented).toContainEqual(expect.objectContaining({ http: reply.status, code: reply.body.code }));
    expect(reply).toMatchObject({ status: 403, body: { code: 3001 } });
  });
});

describe("the sandbox's PagoEfectivo, against the same documented shapes", () => {
  it('accepts the CIP requests the public clients send (amount a string or a number, ubigeo a number)', async () => {
    const { communityRequests } = fixture<{ communityRequests: { body: Json }[] }>(
      './pagoefectivo/create-cip.json',
    );
    const sandbox = await startSandbox({
      port: 0,
      serviceId: '1',
      accessKey: 'a',
      secretKey: 's',
      notificationUrl: 'http://127.0.0.1:9/webhooks/pagoefectivo',
    });
    try {
      const dateRequest = toLimaIso(new Date());
      const auth = await fetch(`${sandbox.url}/v1/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          accessKey: 'a',
          idService: 1,
          dateRequest,
          hashString: authorizationHash('1', 'a', 's', dateRequest),
        }),
      });
      const token = ((await auth.json()) as { data: { token: string } }).data.token;
      for (const [index, { body }] of communityRequests.entries()) {
        // Their dates are computed when they run (or long past): only the date is ours.
        const request = {
          ...body,
          transactionCode: `community_${Date.now()}_${index}`,
          dateExpiry: toLimaIso(new Date(Date.now() + 86_400_000)),
        };
        const reply = await fetch(`${sandbox.url}/v1/cips`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(request),
        });
        const answer = (await reply.json()) as Json;
        expect(reply.status, JSON.stringify(answer)).toBe(201);
        expect(answer).toMatchObject({
          code: 100,
          data: { cip: expect.anything(), cipUrl: expect.any(String) },
        });
      }
    } finally {
      await sandbox.stop();
    }
  });

  it('notifies cip.paid with the documented fields only, signed with PE-Signature', async () => {
    const { examples } = fixture<{ examples: { body: Json }[] }>('./pagoefectivo/notifications.json');
    const topKeys = new Set(examples.flatMap((example) => Object.keys(example.body)));
    const dataKeys = new Set(examples.flatMap((example) => Object.keys(example.body.data as Json)));
    const received: Json[] = [];
    const receiver = await startFakePsp(answer({ status: 200, body: {} }, received));
    const sandbox = await startSandbox({
      port: 0,
      serviceId: '1',
      accessKey: 'a',
      secretKey: 's',
      notificationUrl: `${receiver.url}/webhooks/pagoefectivo`,
    });
    try {
      const client = new PagoEfectivoClient({
        baseUrl: sandbox.url,
        credentials: async () => ({ serviceId: '1', accessKey: 'a', secretKey: 's' }),
        now: () => new Date(),
        timeoutMs: 2000,
      });
      const created = await client.createCip({ ...voucherInput, transactionCode: `ord_p_${Date.now()}` });
      await fetch(`${sandbox.url}/_sandbox/cips/${created.cip}/pay`, { method: 'POST', body: '{}' });
      const notification = received.find((request) => String(request.path).includes('/webhooks/'));
      const body = notification?.body as Json;
      expect(Object.keys(body).filter((key) => !topKeys.has(key))).toEqual([]);
      expect(Object.keys(body.data as Json).filter((key) => !dataKeys.has(key))).toEqual([]);
      const headers = (notification?.headers ?? {}) as Record<string, string>;
      expect(headers['pe-signature']).toMatch(/^[0-9a-f]{64}$/);
      expect(parseNotification(Buffer.from(JSON.stringify(body)), RECEIVED)).toMatchObject({
        kind: 'paid',
        payment: { cip: created.cip, amountMinor: 15000 },
      });
    } finally {
      await sandbox.stop();
      await receiver.stop();
    }
  });
});
