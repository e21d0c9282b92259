import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { api, bankDestination as destination, eventually, orderRequest, sandbox } from '../support/api';
import { TEST_SECOND_API_KEY } from '../support/global-stack';
import { requesterKey } from '../support/keys';
import { paidBody, postNotification } from '../support/notifications';

type Problem = { status: number; code: string; errors?: { field: string }[]; refundable?: number };
interface Balance {
  balances: { currency: string; pending: number; reservedForRefunds: number }[];
}

const second = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };

async function paidTwoSellerOrder(a: string, b: string): Promise<Order> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({
        amount: 100000,
        splits: [
          { sellerId: a, amount: 60000, fee: 6000 },
          { sellerId: b, amount: 40000, fee: 4000 },
        ],
      }),
    })
  ).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  return eventually(async () => {
    const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    return current.status === 'PAID' ? current : undefined;
  });
}
const pending = async (seller: string) =>
  (await api<Balance>('GET', `/v1/sellers/${seller}/balance`)).body.balances[0] ?? {
    pending: 0,
    reservedForRefunds: 0,
  };

describe('refunds', () => {
  it('needs a second key above the threshold, moves the money back pro rata, and keeps the whole chain', async () => {
    const [a, b] = [`rf-a-${randomUUID()}`, `rf-b-${randomUUID()}`];
    const order = await paidTwoSellerOrder(a, b);
    expect((await pending(a)).pending).toBe(54000);

    const created = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 60000, reason: 'return', destination, note: 'Devolución de zapatillas' },
      headers: { 'idempotency-key': `refund-${randomUUID()}` },
    });
    expect(created.status).toBe(201);
    const refund = created.body;
    expect(refund).toMatchObject({ status: 'REQUESTED', amount: 60000, refundFee: true });
    // Pro rata 60/40 of 60000, the platform giving back its 10 % fee on each part.
    expect(refund.allocations).toEqual([
      { sellerId: a, amount: 36000, fee: 3600 },
      { sellerId: b, amount: 24000, fee: 2400 },
    ]);
    expect(refund.destination).toMatchObject({ type: 'bank_account', cci: '****************6813' });
    expect(refund.payment).toMatchObject({ cip: order.voucher.cip, amount: 100000, source: 'webhook' });
    expect(refund.payment.notificationId).toMatch(/^[0-9a-f]{64}$/);

    const self = await api<Problem>('POST', `/v1/refunds/${refund.id}/approve`);
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('approver_must_differ');
    const approved = await api<Refund>('POST', `/v1/refunds/${refund.id}/approve`, { headers: second });
    expect(approved.body.status).toBe('APPROVED');
    expect(await pending(a)).toMatchObject({ pending: 54000 - 32400, reservedForRefunds: 32400 });

    const paid = await api<Refund>('POST', `/v1/refunds/${refund.id}/mark-paid`, {
      body: {
        transferReference: 'BCP-TRF-778812',
        paidAt: '2026-11-27T15:00:00-05:00',
        proofNote: 'Constancia adjunta',
      },
    });
    expect(paid.body.status).toBe('PAID_OUT');
    expect(await pending(a)).toMatchObject({ pending: 21600, reservedForRefunds: 0 });

    const chain = (await api<Refund>('GET', `/v1/refunds/${refund.id}`)).body;
    expect(chain.order).toMatchObject({ id: order.id, reference: order.reference });
    expect(chain.history.map((step) => [step.status, step.by.keyId])).toEqual([
      ['REQUESTED', 'local'],
      ['APPROVED', 'local-1'],
      ['PAID_OUT', 'local'],
    ]);
    expect(chain.history[2]).toMatchObject({
      transferReference: 'BCP-TRF-778812',
      proofNote: 'Constancia adjunta',
    });
    const afterOrder = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(afterOrder).toMatchObject({ status: 'PAID', refundedAmount: 60000, refundReserved: 60000 });
    expect((await api<{ total: number }>('GET', '/v1/ledger/trial-balance')).body.total).toBe(0);

    // The rest, below the threshold alone but not with the order's first refund (decision 75):
    // it waits for the second key too; paid out, the order is REFUNDED.
    const rest = (
      await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
        body: { amount: 40000, reason: 'return', destination },
      })
    ).body;
    expect(rest.status).toBe('REQUESTED');
    expect(rest.allocations).toEqual([
      { sellerId: a, amount: 24000, fee: 2400 },
      { sellerId: b, amount: 16000, fee: 1600 },
    ]);
    await api('POST', `/v1/refunds/${rest.id}/approve`, { headers: second });
    const over = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 1, reason: 'other', destination },
    });
    expect(over.body).toMatchObject({ status: 409, code: 'refund_exceeds_payment', refundable: 0 });
    await api('POST', `/v1/refunds/${rest.id}/mark-paid`, {
      body: { transferReference: 'BCP-TRF-778813', paidAt: '2026-11-27T16:00:00-05:00' },
    });
    const refunded = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(refunded.status).toBe('REFUNDED');
    expect((await api<Problem>('POST', `/v1/orders/${order.id}/fulfil`)).body.code).toBe('invalid_status');
    const listed = await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`);
    expect(listed.body.items.map((item) => item.id).sort()).toEqual([refund.id, rest.id].sort());
  });

  it('refuses refunds of unpaid orders, bad CCIs and other unknowns, naming the field', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const unpaid = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 100, reason: 'other', destination },
    });
    expect(unpaid.body).toMatchObject({ status: 409, code: 'order_not_paid' });
    await api('POST', `/v1/orders/${order.id}/cancel`);
    const cancelled = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 100, reason: 'other', destination },
    });
    expect(cancelled.body).toMatchObject({ status: 409, code: 'no_payment_to_refund' });
    const badCci = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 100, reason: 'other', destination: { ...destination, cci: '00219300153895206812' } },
    });
    expect(badCci.status).toBe(400);
    expect(badCci.body.errors?.map((error) => error.field)).toEqual(['destination.cci']);
    expect((await api<Problem>('GET', '/v1/refunds')).body.errors?.[0]?.field).toBe('query.status');
  });

  it('lets exactly one of two racing requests take the last refundable amount', async () => {
    const [a, b] = [`race-a-${randomUUID()}`, `race-b-${randomUUID()}`];
    const order = await paidTwoSellerOrder(a, b);
    const race = await Promise.all(
      [1, 2].map(() =>
        api<Problem | Refund>('POST', `/v1/orders/${order.id}/refunds`, {
          body: { amount: 30000, reason: 'return', destination },
        }),
      ),
    );
    // 30000 + 30000 ≤ 100000: both fit. Now race for the last 40000 with 40000 each.
    expect(race.map((result) => result.status)).toEqual([201, 201]);
    const last = await Promise.all(
      [1, 2, 3].map(() =>
        api<Problem | Refund>('POST', `/v1/orders/${order.id}/refunds`, {
          body: { amount: 40000, reason: 'return', destination },
        }),
      ),
    );
    expect(last.filter((result) => result.status === 201)).toHaveLength(1);
    for (const refused of last.filter((result) => result.status !== 201)) {
      expect((refused.body as Problem).code).toMatch(/refund_exceeds_payment|order_changed/);
    }
    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.refundReserved).toBe(100000);
  });

  it('returns a duplicate payment from suspense, up to its amount, without touching the order', async () => {
    const [a, b] = [`dup-a-${randomUUID()}`, `dup-b-${randomUUID()}`];
    const order = await paidTwoSellerOrder(a, b);
    // The buyer pays the same CIP a second time (another operation number): a duplicate payment.
    await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: 880_000 + (Date.now() % 100_000), amount: 1000 }),
    );
    const anomaly = await eventually(async () =>
      (
        await api<{ items: { id: string; cip: string; amount: number }[] }>(
          'GET',
          '/v1/anomalies?type=duplicate_payment&limit=100',
        )
      ).body.items.find((item) => item.cip === order.voucher.cip),
    );
    const missing = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 100000, reason: 'duplicate_payment', destination },
    });
    expect(missing.body.errors?.map((error) => error.field)).toEqual(['anomalyId']);
    const refund = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: 40000, reason: 'duplicate_payment', anomalyId: anomaly.id, destination },
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ status: 'APPROVED', anomalyId: anomaly.id, allocations: [] });
    await api('POST', `/v1/refunds/${refund.body.id}/mark-paid`, {
      body: { transferReference: 'DUP-1', paidAt: '2026-11-27T10:00:00-05:00' },
    });
    const trial = (
      await api<{ total: number; accounts: { account: string; balance: number }[] }>(
        'GET',
        '/v1/ledger/trial-balance',
      )
    ).body;
    expect(trial.total).toBe(0);
    const over = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
      body: {
        amount: anomaly.amount - 40000 + 1,
        reason: 'duplicate_payment',
        anomalyId: anomaly.id,
        destination,
      },
    });
    expect(over.body).toMatchObject({ code: 'refund_exceeds_payment', refundable: anomaly.amount - 40000 });
    // The order and the sellers are untouched: the duplicate was never theirs.
    const same = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(same).toMatchObject({ status: 'PAID' });
    expect(same.refundReserved ?? 0).toBe(0);
    expect((await pending(a)).pending).toBe(54000);
  });

  it("counts a duplicate payment's refunds with the order's toward the maker-checker threshold, in either order", async () => {
    // Threshold 50000 (the stage's default): two refunds just under it, by one person, on one order.
    for (const anomalyFirst of [true, false]) {
      const order = await paidTwoSellerOrder(`mc-a-${randomUUID()}`, `mc-b-${randomUUID()}`);
      await postNotification(
        paidBody({
          cip: order.voucher.cip,
          operationNumber: 890_000 + Math.floor(Math.random() * 99_999),
          amount: 1000,
          paidAt: new Date(Date.parse(order.createdAt) + 60_000),
        }),
      );
      const anomaly = await eventually(async () =>
        (
          await api<{ items: { id: string; cip: string }[] }>(
            'GET',
            '/v1/anomalies?type=duplicate_payment&limit=100',
          )
        ).body.items.find((item) => item.cip === order.voucher.cip),
      );
      const person = await requesterKey();
      const refund = (body: Record<string, unknown>) =>
        api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
          body: { amount: 49_999, destination, ...body },
          headers: person,
        });
      const ofAnomaly = () => refund({ reason: 'duplicate_payment', anomalyId: anomaly.id });
      const ofOrder = () => refund({ reason: 'return' });
      const first = await (anomalyFirst ? ofAnomaly() : ofOrder());
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body.status).toBe('APPROVED');
      // 99,998 of one order's money by one person: the second waits for another key.
      const secondRefund = await (anomalyFirst ? ofOrder() : ofAnomaly());
      expect(secondRefund.status, JSON.stringify(secondRefund.body)).toBe(201);
      expect(secondRefund.body.status, `anomaly first: ${anomalyFirst}`).toBe('REQUESTED');
    }
  });
});
