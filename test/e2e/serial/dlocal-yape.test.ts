/**
 * Yape through dLocal (payment method YP, flow REDIRECT) on a dLocal stage: the wallet option is a
 * dLocal payment with a redirect URL, the sandbox's dLocal pays it and notifies as dLocal does
 * (the bare payment object, `order_id` = our option id, signed), and the order is PAID once by
 * that option while its cash ticket is cancelled at dLocal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import { type LocalStack, startLocalStack } from '../../../local/stack';
import { eventually as eventuallyWithin, orderRequest } from '../../support/api';

const KEY = 'dlocal-yape-test-key-0123456789';
/** The stack is this file's own: its first deliveries pay its cold start. */
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 50_000);

type Json = Record<string, unknown>;
type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };

describe('Yape through dLocal on a dLocal stack (WALLET_PROVIDER=dlocal)', () => {
  let stack: LocalStack;
  const call = async <T = Json>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const sandbox = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.sandboxUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      sandboxPort: 0,
      apiKey: KEY,
      serviceId: '5001',
      accessKey: 'provider-access',
      secretKey: 'provider-secret',
      visibilityTimeoutSeconds: 1,
      scheduler: false,
      provider: 'dlocal',
      walletProvider: 'dlocal',
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('offers cash + Yape with a redirect URL; the sandbox pays Yape → PAID once, the ticket cancelled, ledger balanced', {
    timeout: 120_000,
  }, async () => {
    const created = await call<OrderView>('POST', '/v1/orders', {
      ...orderRequest(),
      paymentMethods: ['cash', 'wallet'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body;
    expect(order.voucher.provider).toBe('dlocal');
    const wallet = order.paymentOptions.find((option) => option.method === 'wallet');
    expect(wallet, JSON.stringify(order.paymentOptions)).toMatchObject({
      provider: 'dlocal',
      status: 'open',
      wallet: { wallets: ['yape'], redirectUrl: expect.stringContaining('/_sandbox/yape/D-4-') },
    });
    expect(wallet?.unavailableReason).toBeUndefined();

    // At the sandbox's dLocal: a pending YP payment for our option id.
    const before = await sandbox('GET', `/_sandbox/wallets/${wallet?.id}`);
    expect(before.body).toMatchObject({
      payment_method_id: 'YP',
      payment_method_type: 'WALLET',
      payment_method_flow: 'REDIRECT',
      status: 'PENDING',
      order_id: wallet?.id,
      amount: 150,
      currency: 'PEN',
    });

    // The buyer approves in Yape; dLocal notifies twice (a redelivery): applied once.
    const paid = await sandbox('POST', `/_sandbox/wallets/${wallet?.id}/pay`, { copies: 2 });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((paid.body.deliveries as { status: number }[]).map((delivery) => delivery.status)).toEqual([
      200, 200,
    ]);
    const settled = await eventually(async () => {
      const current = (await call<OrderView>('GET', `/v1/orders/${order.id}`)).body;
      return current.status === 'PAID' ? current : undefined;
    });
    expect(settled.payment).toMatchObject({
      optionId: wallet?.id,
      amount: 15000,
      currency: 'PEN',
      operationNumber: before.body.id,
    });
    const statuses = Object.fromEntries(
      settled.paymentOptions.map((option) => [option.method, option.status]),
    );
    expect(statuses).toEqual({ cash: 'closed', wallet: 'paid' });

    // The cash ticket can no longer be paid: cancelled at dLocal.
    await eventually(async () => {
      const ticket = await sandbox('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return ticket.body.status === 'deleted' ? true : undefined;
    });
    // A third delivery much later changes nothing either.
    const again = await sandbox('POST', `/_sandbox/wallets/${wallet?.id}/pay`, {});
    expect(again.status).toBe(409);
    const events = await eventually(async () => {
      const answer = await call<{ items: { type: string }[] }>('GET', `/v1/orders/${order.id}/events`);
      return answer.body.items.some((event) => event.type === 'order.paid') ? answer.body.items : undefined;
    });
    expect(events.filter((event) => event.type === 'order.paid')).toHaveLength(1);
    // Nothing went to suspense: no anomaly names the order, the option or dLocal's payment.
    const anomalies = await call<{ items: Json[] }>('GET', '/v1/anomalies?limit=100');
    const ours = [order.id, String(wallet?.id), String(before.body.id)];
    expect(
      anomalies.body.items.filter((anomaly) => ours.some((id) => JSON.stringify(anomaly).includes(id))),
    ).toEqual([]);
    // Booked with dLocal's wallet fee rule (decision 115; the stage's placeholder: 2 % + S/ 0.50, IGV
    // 18 %): 3.00 + 0.50 = 3.50 of fee and 0.63 of tax out of the 150.00, the receivable at the net.
    const balance = await call<{ total: number; accounts: { account: string; balance: number }[] }>(
      'GET',
      '/v1/ledger/trial-balance?currency=PEN',
    );
    const account = (name: string) => balance.body.accounts.find((line) => line.account === name)?.balance;
    expect(account('psp_fee_expense')).toBe(350);
    expect(account('psp_fee_tax')).toBe(63);
    expect(account('psp_receivable')).toBe(15000 - 350 - 63);
    expect(balance.body.total).toBe(0);
  });
});
