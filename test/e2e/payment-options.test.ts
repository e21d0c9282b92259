import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import { api, eventually, orderRequest, sandbox } from '../support/api';

type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };
type Problem = { status: number; code: string; detail: string };

/** An order of `amount` for one seller, from a buyer of its own (faults are armed per e-mail). */
function request(amount: number, paymentMethods: ('cash' | 'wallet')[]) {
  const base = orderRequest();
  return {
    ...base,
    amount,
    paymentMethods,
    buyer: { ...base.buyer, email: `wallet-${base.reference}@example.pe` },
    splits: [{ sellerId: 'seller-a', amount, fee: Math.floor(amount / 10) }],
  };
}

const wallet = (order: OrderView) => order.paymentOptions.find((option) => option.method === 'wallet');

async function paidOrder(id: string): Promise<OrderView> {
  return eventually(async () => {
    const { body } = await api<OrderView>('GET', `/v1/orders/${id}`);
    return body.status === 'PAID' ? body : undefined;
  });
}

describe('payment options: cash and wallet on one order (issue 30)', () => {
  it('offers the CIP and a Culqi wallet QR; paid by the wallet, the order is PAID once and its CIP is deleted at the sandbox', async () => {
    const created = await api<OrderView>('POST', '/v1/orders', {
      body: request(15_000, ['cash', 'wallet']),
    });
    expect(created.status).toBe(201);
    const order = created.body;
    expect(order.paymentOptions.map((option) => [option.method, option.provider, option.status])).toEqual([
      ['cash', 'pagoefectivo', 'open'],
      ['wallet', 'culqi', 'open'],
    ]);
    const [cash, qr] = order.paymentOptions;
    expect(cash?.cash?.cip).toBe(order.voucher.cip);
    expect(qr?.wallet?.wallets).toEqual(expect.arrayContaining(['yape', 'plin']));
    expect(qr?.wallet?.qrPayload).toMatch(/^culqi:\/\//);
    expect(qr?.id).toMatch(/^po_[0-9A-Z]{26}$/);

    const paid = await sandbox('POST', `/_sandbox/wallets/${qr?.id}/pay`, { notify: true, copies: 2 });
    expect(paid.status).toBe(200);
    const after = await paidOrder(order.id);
    expect(after.payment).toMatchObject({ optionId: qr?.id, amount: 15_000, source: 'webhook' });
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect(after.paymentOptions.map((option) => option.status)).toEqual(['closed', 'paid']);
    // The CIP can no longer be paid: deleted at PagoEfectivo in the same step.
    const cip = await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    expect(cip.status).toBe('deleted');
  });

  it('a CIP paid after the wallet paid the order is a double payment: the order stays PAID once, the money waits in suspense, the ledger balances', async () => {
    const created = await api<OrderView>('POST', '/v1/orders', { body: request(12_000, ['cash', 'wallet']) });
    const order = created.body;
    const qr = wallet(order);
    await sandbox('POST', `/_sandbox/wallets/${qr?.id}/pay`, { notify: true });
    await paidOrder(order.id);
    await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    // The buyer paid at an agent as the deletion landed; the notification comes twice.
    const cash = await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {
      notify: true,
      copies: 2,
      ignoreDeletion: true,
    });
    expect(cash.status).toBe(200);
    const anomaly = await eventually(async () =>
      (
        await api<{ items: { type: string; orderId?: string; amount?: number }[] }>(
          'GET',
          '/v1/anomalies?type=double_payment&limit=100',
        )
      ).body.items.find((item) => item.orderId === order.id),
    );
    expect(anomaly).toMatchObject({ type: 'double_payment', amount: 12_000 });
    const after = (await api<OrderView>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.status).toBe('PAID');
    expect(after.payment?.optionId).toBe(qr?.id);
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    const balance = await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN');
    expect(balance.body.total).toBe(0);
  });

  it("adds a wallet later (idempotent), and refuses a wallet outside Culqi's limits with the reason", async () => {
    const cashOnly = await api<OrderView>('POST', '/v1/orders', {
      body: request(15_000, ['cash']),
    });
    expect(cashOnly.body.paymentOptions.map((option) => option.method)).toEqual(['cash']);
    const added = await api<OrderView>('POST', `/v1/orders/${cashOnly.body.id}/payment-options`, {
      body: { method: 'wallet' },
    });
    expect(added.status).toBe(200);
    expect(wallet(added.body)?.status).toBe('open');
    const again = await api<OrderView>('POST', `/v1/orders/${cashOnly.body.id}/payment-options`, {
      body: { method: 'wallet' },
    });
    expect(wallet(again.body)?.id).toBe(wallet(added.body)?.id);

    const large = request(60_000, ['cash', 'wallet']);
    const tooLarge = await api<OrderView>('POST', '/v1/orders', { body: large });
    expect(tooLarge.status).toBe(201);
    expect(wallet(tooLarge.body)).toMatchObject({ status: 'unavailable' });
    expect(wallet(tooLarge.body)?.unavailableReason).toContain('S/ 6.00 to S/ 500.00');
    const walletOnly = await api<Problem>('POST', '/v1/orders', {
      body: request(60_000, ['wallet']),
    });
    expect(walletOnly.status).toBe(422);
    expect(walletOnly.body.code).toBe('wallet_not_offered');
    expect(walletOnly.body.detail).toContain('S/ 500.00');
  });

  it('creates the order with cash only when the wallet provider is down (never a 5xx)', async () => {
    const body = request(15_000, ['cash', 'wallet']);
    await sandbox('POST', '/_sandbox/faults', { createWallet: ['error'], userEmail: body.buyer.email });
    const created = await api<OrderView>('POST', '/v1/orders', { body });
    expect(created.status).toBe(201);
    expect(created.body.paymentOptions[0]).toMatchObject({ method: 'cash', status: 'open' });
    expect(wallet(created.body)).toMatchObject({ status: 'unavailable', provider: 'culqi' });
  });
});
