import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox } from '../support/api';
import { paidBody, postNotification } from '../support/notifications';
import { expectMatchesOpenApi } from '../support/openapi-schemas';

interface Balance {
  sellerId: string;
  balances: {
    currency: string;
    pending: number;
    available: number;
    reservedForRefunds: number;
    paidOut: number;
  }[];
}
interface TrialBalance {
  currency: string;
  accounts: { account: string; balance: number }[];
  total: number;
}

const balanceOf = async (sellerId: string) =>
  (await api<Balance>('GET', `/v1/sellers/${sellerId}/balance`)).body;
const paid = (id: string) =>
  eventually(async () => {
    const order = (await api<Order>('GET', `/v1/orders/${id}`)).body;
    return order.status === 'PAID' || order.status === 'PAID_LATE' ? order : undefined;
  });

describe('the seller ledger', () => {
  it('credits each seller amount − fee when a two-seller order is paid, and the trial balance stays zero', async () => {
    const [a, b] = [`seller-a-${randomUUID()}`, `seller-b-${randomUUID()}`];
    const before = (await api<TrialBalance>('GET', '/v1/ledger/trial-balance?currency=PEN')).body;
    const order = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({
          amount: 25000,
          splits: [
            { sellerId: a, amount: 15000, fee: 1500 },
            { sellerId: b, amount: 10000, fee: 800 },
          ],
        }),
      })
    ).body;
    expect(await balanceOf(a)).toEqual({ sellerId: a, balances: [] });
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { copies: 2 });
    await paid(order.id);
    expect((await balanceOf(a)).balances).toEqual([
      {
        currency: 'PEN',
        pending: 13500,
        available: 0,
        reservedForRefunds: 0,
        inTransit: 0,
        paidOut: 0,
        // Nothing available yet: the next payout day would pay nothing.
        nextPayout: { on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), estimatedAmount: 0 },
      },
    ]);
    expect((await balanceOf(b)).balances[0]?.pending).toBe(9200);
    const ledger = await api<{ items: { orderId: string; amount: number; reason: string }[] }>(
      'GET',
      `/v1/sellers/${a}/ledger`,
    );
    expect(ledger.body.items).toEqual([
      expect.objectContaining({ orderId: order.id, amount: 13500, reason: 'payment' }),
    ]);
    const after = (await api<TrialBalance>('GET', '/v1/ledger/trial-balance?currency=PEN')).body;
    expect(after.total).toBe(0);
    const delta = (name: string) =>
      (after.accounts.find((line) => line.account === name)?.balance ?? 0) -
      (before.accounts.find((line) => line.account === name)?.balance ?? 0);
    // Other tests book concurrently; at least this order's amounts moved, and every total still sums to 0.
    expect(delta('psp_receivable')).toBeGreaterThanOrEqual(25000);
    expect(delta('platform_commission')).toBeLessThanOrEqual(-2300);
  });

  it('holds a late payment in suspense until it is accepted, then credits the sellers', async () => {
    const seller = `seller-late-${randomUUID()}`;
    const order = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({ amount: 5000, splits: [{ sellerId: seller, amount: 5000, fee: 500 }] }),
      })
    ).body;
    expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(200);
    // The buyer pays the (deleted) voucher anyway: PagoEfectivo's notification still arrives.
    const received = await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: Date.now() % 1e9, amount: 50 }),
    );
    expect(received.status).toBe(200);
    expectMatchesOpenApi('NotificationReceived', received.body);
    expect((await paid(order.id)).status).toBe('PAID_LATE');
    expect((await balanceOf(seller)).balances).toEqual([]);
    expect((await api('POST', `/v1/orders/${order.id}/accept-late-payment`)).status).toBe(200);
    expect((await balanceOf(seller)).balances[0]?.pending).toBe(4500);
    expect((await api<TrialBalance>('GET', '/v1/ledger/trial-balance?currency=PEN')).body.total).toBe(0);
  });

  it('answers 400 naming the field for a bad seller id or currency', async () => {
    const bad = await api<{ errors: { field: string }[] }>('GET', '/v1/sellers/a%20b/balance');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.field).toBe('path.sellerId');
    const currency = await api<{ errors: { field: string }[] }>(
      'GET',
      '/v1/ledger/trial-balance?currency=EUR',
    );
    expect(currency.body.errors[0]?.field).toBe('query.currency');
  });
});
