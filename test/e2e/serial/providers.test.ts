import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, type ProviderName } from '#contract/service';
import { minorToDecimal } from '#model/money';
import type { Order } from '#model/order';
import { now } from '#platform/clock';
import { dlocalAuthorization, dlocalSignature } from '#psp/dlocal/dlocal-signature';
import { toLimaIso } from '#psp/pagoefectivo/lima-time';
import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { DEFAULT_DLOCAL_SANDBOX } from '../../../local/sandbox/server';
import { type LocalStack, startLocalStack } from '../../../local/stack';
import { eventually as eventuallyWithin, orderRequest } from '../../support/api';

const KEY = 'provider-test-key-0123456789';

/**
 * Each stack here is the test's own and its first deliveries pay its cold start: on a loaded
 * two-core machine a notification can take longer than the shared 20 s to apply.
 */
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 50_000);

type Json = Record<string, unknown>;
const contract = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../contracts/${path}`, import.meta.url), 'utf8')) as T;

/**
 * The documented notification bodies (test/contracts/), each made about one of our orders: its
 * ids and amount are the order's, and any date is the stack's now (the clock the tests move, shared
 * by both stacks in this file; a 2018 date would rightly be implausible
 * for an order made today). Every other field, and every field's absence, is as documented.
 */
function documentedNotifications(provider: ProviderName) {
  type Example = { name: string; about: (order: Order, paymentId: string | undefined) => Json };
  if (provider === 'dlocal') {
    return ['dlocal/notification-paid.json', 'dlocal/payment-object-paid.json'].map(
      (path): Example => ({
        name: path,
        about: (order, paymentId) => {
          const { body } = contract<{ body: Json }>(path);
          return {
            ...body,
            id: paymentId,
            order_id: order.id,
            amount: Number(minorToDecimal(order.amount)),
            currency: order.currency,
            ...('approved_date' in body ? { approved_date: now().toISOString() } : {}),
          };
        },
      }),
    );
  }
  const { examples } = contract<{ examples: { name: string; body: Json }[] }>(
    'pagoefectivo/notifications.json',
  );
  return examples.map(
    (example, index): Example => ({
      name: example.name,
      about: (order) => {
        const data = example.body.data as Json;
        const numeric = typeof data.cip === 'number';
        const operation = Date.now() * 10 + index;
        return {
          ...example.body,
          operationNumber: numeric ? operation : String(operation),
          data: {
            ...data,
            cip: numeric ? Number(order.voucher.cip) : order.voucher.cip,
            amount:
              typeof data.amount === 'string'
                ? minorToDecimal(order.amount)
                : Number(minorToDecimal(order.amount)),
            ...('paymentDate' in data ? { paymentDate: toLimaIso(now()) } : {}),
            ...('transactionCode' in data ? { transactionCode: order.id } : {}),
          },
        };
      },
    }),
  );
}
const APPROVER = 'provider-approver-key-0123456789';

/**
 * The README's walk-through once per provider, each on a stack of its own (PSP_PROVIDER): the
 * marketplace's calls are the same; only the route the PSP notifies and who pays refunds differ.
 */
describe.each(PROVIDERS)('the payment flow with PSP_PROVIDER=%s', (provider: ProviderName) => {
  let stack: LocalStack;
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key = KEY,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const sandbox = async (path: string, body: unknown = {}) =>
    (
      await fetch(`${stack.sandboxUrl}${path}`, { method: 'POST', body: JSON.stringify(body) })
    ).json() as Promise<Record<string, unknown>>;
  const order = (id: string) => call<Order>('GET', `/v1/orders/${id}`).then((answer) => answer.body);
  /** Posts `body` to the provider's webhook route, signed as that provider signs. */
  const postSigned = (body: string) => {
    const date = new Date().toISOString();
    const headers: Record<string, string> =
      provider === 'dlocal'
        ? {
            'x-date': date,
            'x-login': DEFAULT_DLOCAL_SANDBOX.login,
            authorization: dlocalAuthorization(
              dlocalSignature(DEFAULT_DLOCAL_SANDBOX.secretKey, DEFAULT_DLOCAL_SANDBOX.login, date, body),
            ),
          }
        : { 'pe-signature': notificationSignature('provider-secret', body) };
    const route = provider === 'dlocal' ? '/webhooks/dlocal' : '/webhooks/pagoefectivo';
    return fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  };

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      sandboxPort: 0,
      apiKey: KEY,
      extraApiKeys: [{ key: APPROVER, name: 'approver' }],
      serviceId: '5001',
      accessKey: 'provider-access',
      secretKey: 'provider-secret',
      visibilityTimeoutSeconds: 1,
      scheduler: false,
      provider,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('creates a voucher with a CIP, applies the sandbox payment once, and fulfils', {
    timeout: 120_000,
  }, async () => {
    const created = await call<Order>('POST', '/v1/orders', orderRequest());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.voucher.provider).toBe(provider);
    expect(created.body.voucher.cip).toMatch(/^\d+$/);
    expect(created.body.voucher.displayUrl).toContain('/v/');

    const paid = await sandbox(`/_sandbox/cips/${created.body.voucher.cip}/pay`, { copies: 2 });
    expect(paid.notified).toBe(true);
    const settled = await eventually(async () => {
      const current = await order(created.body.id);
      return current.status === 'PAID' ? current : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the duplicate land
    const final = await order(created.body.id);
    expect(final.version).toBe(2);
    expect(final.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect(settled.payment?.amount).toBe(created.body.amount);
    expect((await call('POST', `/v1/orders/${created.body.id}/fulfil`)).status).toBe(200);
  });

  it('applies every documented notification example, replayed signed, exactly once (PAID, one transition)', {
    timeout: 240_000,
  }, async () => {
    for (const example of documentedNotifications(provider)) {
      const created = await call<Order>('POST', '/v1/orders', orderRequest());
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const held = (await fetch(`${stack.sandboxUrl}/_sandbox/cips/${created.body.voucher.cip}`).then((r) =>
        r.json(),
      )) as { dlocal?: { paymentId: string } };
      const body = JSON.stringify(example.about(created.body, held.dlocal?.paymentId));
      for (let copy = 0; copy < 2; copy++) {
        const answer = await postSigned(body);
        expect(answer.status, example.name).toBe(200);
      }
      const paid = await eventually(async () => {
        const current = await order(created.body.id);
        return current.status === 'PAID' ? current : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // let the redelivery land
      const final = await order(created.body.id);
      expect(
        final.history.filter((entry) => entry.to === 'PAID'),
        example.name,
      ).toHaveLength(1);
      expect(final.version, example.name).toBe(paid.version);
      expect(final.payment?.amount, example.name).toBe(created.body.amount);
    }
  });

  it('takes only the buyer documents the provider takes: 400 naming buyer.documentType before any call', async () => {
    // dLocal (Peru's country page): DNI or RUC; PagoEfectivo's API: DNI, PAS, LMI, PAR, NAN.
    const [refused, accepted] =
      provider === 'dlocal'
        ? [
            { documentType: 'PAS', documentNumber: 'AB123456' },
            { documentType: 'RUC', documentNumber: '20131312955' },
          ]
        : [
            { documentType: 'RUC', documentNumber: '20131312955' },
            { documentType: 'PAS', documentNumber: 'AB123456' },
          ];
    const base = orderRequest();
    const no = await call<{ code: string; errors: { field: string }[] }>('POST', '/v1/orders', {
      ...base,
      buyer: { ...base.buyer, ...refused },
    });
    expect(no.status, JSON.stringify(no.body)).toBe(400);
    expect(no.body.code).toBe('validation_failed');
    expect(no.body.errors.map((error) => error.field)).toEqual(['buyer.documentType']);
    const again = orderRequest();
    const yes = await call<Order>('POST', '/v1/orders', { ...again, buyer: { ...again.buyer, ...accepted } });
    expect(yes.status, JSON.stringify(yes.body)).toBe(201);
  });

  it("refuses a forged notification on the provider's route and queues nothing", async () => {
    const route = provider === 'dlocal' ? '/webhooks/dlocal' : '/webhooks/pagoefectivo';
    const forged = await fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-date': new Date().toISOString(),
        'x-login': 'sandbox-dlocal-login',
        authorization: `V2-HMAC-SHA256, Signature: ${'0'.repeat(64)}`,
        'pe-signature': '0'.repeat(64),
      },
      body: JSON.stringify({ id: 'D-4-forged', status: 'PAID', amount: 150, currency: 'PEN' }),
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
  });

  it('records a signed notification for a payment we do not know as an anomaly, and acknowledges it', async () => {
    const body =
      provider === 'dlocal'
        ? JSON.stringify({
            id: `D-4-unknown-${Date.now()}`,
            amount: 99,
            currency: 'PEN',
            status: 'PAID',
            payment_method_id: 'EF',
            approved_date: new Date().toISOString(),
            ticket: { number: '99999991' },
          })
        : JSON.stringify({
            eventType: 'cip.paid',
            operationNumber: Date.now() % 1_000_000,
            data: { cip: 99999991, currency: 'PEN', amount: 99, paymentDate: '2026-11-27T10:00:00-05:00' },
          });
    const answer = await postSigned(body);
    expect(answer.status).toBe(200);
    const anomaly = await eventually(async () => {
      const list = await call<{ items: { cip?: string; type: string }[] }>(
        'GET',
        '/v1/anomalies?type=unknown_cip',
      );
      return list.body.items.find((item) => item.cip === '99999991');
    });
    expect(anomaly.type).toBe('unknown_cip');
  });

  it('cancels a pending voucher at the provider', async () => {
    const created = await call<Order>('POST', '/v1/orders', orderRequest());
    expect((await call('POST', `/v1/orders/${created.body.id}/cancel`)).status).toBe(200);
    const state = await fetch(`${stack.sandboxUrl}/_sandbox/cips/${created.body.voucher.cip}`).then(
      (response) => response.json() as Promise<{ status: string }>,
    );
    expect(state.status).toBe('deleted');
  });

  it('finds a payment whose notification was lost by asking the provider (sync-pending)', async () => {
    const created = await call<Order>('POST', '/v1/orders', orderRequest());
    await sandbox(`/_sandbox/cips/${created.body.voucher.cip}/pay`, { notify: false });
    const summary = (await fetch(`${stack.apiUrl}/_local/jobs/sync-pending`, { method: 'POST' }).then((r) =>
      r.json(),
    )) as { paid: number };
    expect(summary.paid).toBeGreaterThanOrEqual(1);
    expect((await order(created.body.id)).status).toBe('PAID');
  });

  it(
    provider === 'dlocal'
      ? "refunds a paid order through dLocal's refund API; dLocal's notification marks it paid out"
      : 'refunds a paid order by the manual bank-transfer lifecycle',
    async () => {
      const created = await call<Order>(
        'POST',
        '/v1/orders',
        orderRequest({ amount: 200_000, splits: [{ sellerId: 's', amount: 200_000, fee: 0 }] }),
      );
      await sandbox(`/_sandbox/cips/${created.body.voucher.cip}/pay`);
      await eventually(async () => ((await order(created.body.id)).status === 'PAID' ? true : undefined));
      const destination = {
        type: 'bank_account',
        cci: '00219300123456789013',
        holderName: 'Ana Núñez',
        documentType: 'DNI',
        documentNumber: '45678912',
      };
      // A small part first, below the maker-checker thresholds: approved as it is requested — and,
      // where dLocal pays refunds, sent to dLocal at once (it used to wait APPROVED for good).
      const small = await call<{ id: string; status: string; providerRefund?: unknown }>(
        'POST',
        `/v1/orders/${created.body.id}/refunds`,
        { amount: 10_000, reason: 'return', destination },
      );
      expect(small.status, JSON.stringify(small.body)).toBe(201);
      expect(small.body.status).toBe('APPROVED');
      if (provider === 'dlocal') {
        await eventually(async () => {
          const refund = await call<{ status: string }>('GET', `/v1/refunds/${small.body.id}`);
          return refund.body.status === 'PAID_OUT' ? true : undefined;
        });
      } else {
        const marked = await call<{ status: string }>('POST', `/v1/refunds/${small.body.id}/mark-paid`, {
          transferReference: 'OP-0',
          paidAt: new Date().toISOString(),
        });
        expect(marked.body.status).toBe('PAID_OUT');
      }
      const requested = await call<{ id: string; status: string }>(
        'POST',
        `/v1/orders/${created.body.id}/refunds`,
        { amount: 190_000, reason: 'return', destination },
      );
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      expect(requested.body.status).toBe('REQUESTED');
      const approved = await call<{ status: string }>(
        'POST',
        `/v1/refunds/${requested.body.id}/approve`,
        undefined,
        APPROVER,
      );
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.status).toBe('APPROVED');
      if (provider === 'dlocal') {
        // dLocal pays it: a person cannot mark it, and dLocal's SUCCESS notification does.
        const manual = await call<{ code: string }>('POST', `/v1/refunds/${requested.body.id}/mark-paid`, {
          transferReference: 'OP-1',
          paidAt: new Date().toISOString(),
        });
        // Refused either way: while APPROVED as dLocal's refund (provider_refund), or — when dLocal's
        // notification, sent 200 ms after the refund, was applied first — as already PAID_OUT.
        expect(manual.status).toBe(409);
        expect(['provider_refund', 'invalid_status']).toContain(manual.body.code);
        const paidOut = await eventually(async () => {
          const refund = await call<{ status: string; history: { status: string; by: { keyId: string } }[] }>(
            'GET',
            `/v1/refunds/${requested.body.id}`,
          );
          return refund.body.status === 'PAID_OUT' ? refund.body : undefined;
        });
        expect(paidOut.status).toBe('PAID_OUT');
        // Marked by dLocal's notification, not by the person's attempt.
        expect(paidOut.history.at(-1)?.by.keyId).toBe('provider:dlocal');
      } else {
        const marked = await call<{ status: string }>('POST', `/v1/refunds/${requested.body.id}/mark-paid`, {
          transferReference: 'OP-1',
          paidAt: new Date().toISOString(),
        });
        expect(marked.body.status).toBe('PAID_OUT');
      }
      await eventually(async () => ((await order(created.body.id)).status === 'REFUNDED' ? true : undefined));
    },
  );

  // The documented notification without a payment date (PagoEfectivo without `paymentDate`,
  // dLocal's example without `approved_date`): its receipt time stands in until the provider's own
  // date is confirmed by sync-pending (PagoEfectivo's /v1/cips/search, dLocal's GET /payments/{id}).
  const datelessExample = () =>
    documentedNotifications(provider).find((example) =>
      provider === 'dlocal'
        ? example.name === 'dlocal/notification-paid.json'
        : // The public one (the community Python sample), not a derived tolerance case.
          example.name.startsWith('community Python sample') && example.name.includes('without paymentDate'),
    ) as ReturnType<typeof documentedNotifications>[number];
  const runJob = async <T>(name: string) =>
    (await fetch(`${stack.apiUrl}/_local/jobs/${name}`, { method: 'POST' }).then((r) => r.json())) as T;
  type DateSummary = { paymentDates: { confirmed: number; disagreements: number } };
  const advanceClock = (seconds: number) =>
    fetch(`${stack.apiUrl}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceSeconds: seconds }),
    });
  /** Pays the voucher at the sandbox (no notification), then posts the dateless documented one. */
  const payDateless = async (created: Order, lateBySeconds: number) => {
    await sandbox(`/_sandbox/cips/${created.voucher.cip}/pay`, { notify: false, ignoreExpiry: true });
    const held = (await fetch(`${stack.sandboxUrl}/_sandbox/cips/${created.voucher.cip}`).then((r) =>
      r.json(),
    )) as { datePayment: string; dlocal?: { paymentId: string } };
    await advanceClock(lateBySeconds);
    const body = JSON.stringify(datelessExample().about(created, held.dlocal?.paymentId));
    for (let copy = 0; copy < 2; copy++) expect((await postSigned(body)).status).toBe(200);
    const paid = await eventually(async () => {
      const current = await order(created.id);
      return current.status === 'PAID' ? current : undefined;
    });
    return { paid, providerDate: new Date(Date.parse(held.datePayment)).toISOString() };
  };

  it("confirms a payment date that stood in from the notification's receipt with the provider's own (sync-pending)", async () => {
    const created = await call<Order>('POST', '/v1/orders', orderRequest());
    // The notification reaches us ten minutes after the buyer paid.
    const { paid, providerDate } = await payDateless(created.body, 600);
    expect(paid.payment?.paidAtSource).toBe('received');
    expect(Date.parse(paid.payment?.paidAt ?? '')).toBeGreaterThanOrEqual(Date.parse(providerDate) + 590_000);

    const run = await runJob<DateSummary>('sync-pending');
    expect(run.paymentDates.confirmed).toBeGreaterThanOrEqual(1);
    const confirmed = await order(created.body.id);
    expect(confirmed.status).toBe('PAID');
    expect(confirmed.payment).toMatchObject({
      paidAt: providerDate,
      paidAtSource: 'provider',
      receivedAt: paid.payment?.paidAt,
      amount: created.body.amount,
    });
    expect(confirmed.version).toBe(paid.version + 1);
    expect(confirmed.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    // Announced (the version moved, so a receiver holding the PAID version must hear of it).
    const announced = await eventually(async () => {
      const feed = await call<{ items: { type: string; data: { id?: string; version?: number } }[] }>(
        'GET',
        '/v1/events?type=order.payment_date_confirmed&limit=100',
      );
      return feed.body.items.find((event) => event.data.id === created.body.id);
    });
    expect(announced.data.version).toBe(confirmed.version);
    // Once confirmed, never again: the next run leaves it alone.
    await runJob('sync-pending');
    expect((await order(created.body.id)).version).toBe(confirmed.version);
  });

  it('raises payment_date_disagrees, moving no status and no money, when the provider dates a PAID order after its deadline', async () => {
    const created = await call<Order>('POST', '/v1/orders', orderRequest());
    // Past the deadline (the expirer does not run here), the buyer pays and we hear at once.
    const overdue = (Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)) / 1000 + 120;
    await advanceClock(overdue);
    const { paid, providerDate } = await payDateless(created.body, 0);
    expect(paid.payment?.paidAtSource).toBe('received');
    const balanceBefore = await call('GET', `/v1/sellers/${created.body.splits[0]?.sellerId}/balance`);

    const run = await runJob<DateSummary>('sync-pending');
    expect(run.paymentDates.disagreements).toBeGreaterThanOrEqual(1);
    const anomaly = await eventually(async () => {
      const list = await call<{
        items: { orderId?: string; type: string; detail: string; source: string }[];
      }>('GET', '/v1/anomalies?type=payment_date_disagrees');
      return list.body.items.find((item) => item.orderId === created.body.id);
    });
    expect(anomaly.detail).toContain(providerDate);
    expect(anomaly.detail).toContain(paid.payment?.paidAt);
    expect(anomaly.detail).toContain(created.body.expiresAt);
    expect(anomaly.source).toBe('poll');
    const after = await order(created.body.id);
    expect(after.status).toBe('PAID');
    expect(after.history.map((entry) => entry.to)).toEqual(['PENDING_PAYMENT', 'PAID']);
    expect(after.payment).toMatchObject({ paidAt: providerDate, paidAtSource: 'provider' });
    expect((await call('GET', `/v1/sellers/${created.body.splits[0]?.sellerId}/balance`)).body).toEqual(
      balanceBefore.body,
    );
  });
});
