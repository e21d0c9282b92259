import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox } from '../support/api';

const create = (overrides: Parameters<typeof orderRequest>[0] = {}) =>
  api<Order & { code?: string; rules?: string[] }>('POST', '/v1/orders', {
    body: orderRequest({
      amount: 60_000,
      splits: [{ sellerId: 'seller-risk', amount: 60_000, fee: 6_000 }],
      ...overrides,
    }),
  });

describe('risk rules at order creation', () => {
  it('flags and then blocks a burst of large orders from one IP; flagged orders wait for review', async () => {
    const ip = `198.51.100.${randomInt(1, 254)}`;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await create({ risk: { ip, deviceId: `dev-${i}` } }));
    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.slice(0, 2).every((answer) => answer.body.risk === undefined)).toBe(true);
    for (const answer of answers.slice(2, 5)) {
      expect(answer.body.risk).toEqual({ decision: 'flagged', rules: ['ip-large-orders'] });
    }
    // The 6th: refused before anything exists at the PSP.
    expect(answers[5]?.status).toBe(422);
    expect(answers[5]?.body).toMatchObject({ code: 'risk_blocked', rules: ['ip-large-orders-burst'] });
    // Small orders from the same IP are not what the rule counts.
    expect(
      (await create({ amount: 1000, splits: [{ sellerId: 's', amount: 1000, fee: 0 }], risk: { ip } }))
        .status,
    ).toBe(201);

    const flagged = answers[2]?.body as Order;
    const reviews = await api<{ items: Order[] }>('GET', '/v1/risk/reviews?limit=100');
    expect(reviews.status, JSON.stringify(reviews.body)).toBe(200);
    const queue = reviews.body.items;
    expect(queue.map((order) => order.id)).toContain(flagged.id);
    await sandbox('POST', `/_sandbox/cips/${flagged.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${flagged.id}`)).body.status === 'PAID' ? true : undefined,
    );
    const refused = await api('POST', `/v1/orders/${flagged.id}/fulfil`);
    expect(refused.body).toMatchObject({
      status: 409,
      code: 'risk_review_required',
      rules: ['ip-large-orders'],
    });
    // Paid, it cannot be rejected (docs/risk.md): 409, and it stays flagged and in the queue.
    const paidReject = await api<Order>('POST', `/v1/orders/${flagged.id}/risk-review`, {
      body: { decision: 'reject', note: 'Demasiado tarde para cancelar.' },
    });
    expect(paidReject.body).toMatchObject({ status: 409, code: 'invalid_status', orderStatus: 'PAID' });
    expect((await api<Order>('GET', `/v1/orders/${flagged.id}`)).body.risk).toMatchObject({
      decision: 'flagged',
    });
    expect(
      (await api<{ items: Order[] }>('GET', '/v1/risk/reviews?limit=100')).body.items.map(
        (order) => order.id,
      ),
    ).toContain(flagged.id);
    const approved = await api<Order>('POST', `/v1/orders/${flagged.id}/risk-review`, {
      body: { decision: 'approve', note: 'Llamamos al comprador: compra legítima.' },
    });
    expect(approved.body.risk).toMatchObject({
      decision: 'approved',
      note: 'Llamamos al comprador: compra legítima.',
    });
    expect((await api<Order>('POST', `/v1/orders/${flagged.id}/fulfil`)).body.status).toBe('FULFILLED');
    const after = (await api<{ items: Order[] }>('GET', '/v1/risk/reviews?limit=100')).body.items;
    expect(after.map((order) => order.id)).not.toContain(flagged.id);
    expect(
      (
        await api('POST', `/v1/orders/${flagged.id}/risk-review`, {
          body: { decision: 'approve', note: 'again' },
        })
      ).body,
    ).toMatchObject({ code: 'already_reviewed' });

    // Rejecting a flagged, unpaid order cancels it.
    const rejected = await api<Order>('POST', `/v1/orders/${answers[3]?.body.id}/risk-review`, {
      body: { decision: 'reject', note: 'Tarjeta de otro titular.' },
    });
    expect(rejected.body).toMatchObject({ status: 'CANCELLED', risk: { decision: 'rejected' } });
  });

  it("blocks a buyer's sixth unpaid voucher, and lists a buyer's orders by document number", async () => {
    const documentNumber = String(randomInt(10_000_000, 99_999_999));
    const buyer = { ...orderRequest().buyer, documentNumber };
    const small = { amount: 2000, splits: [{ sellerId: 's', amount: 2000, fee: 0 }], buyer };
    for (let i = 0; i < 5; i++) expect((await create(small)).status).toBe(201);
    const sixth = await create(small);
    expect(sixth.status).toBe(422);
    expect(sixth.body).toMatchObject({ code: 'risk_blocked', rules: ['buyer-open-vouchers'] });
    const listed = await api<{ items: Order[] }>('GET', `/v1/orders?buyerDocumentNumber=${documentNumber}`);
    expect(listed.body.items).toHaveLength(5);
    expect(listed.body.items.every((order) => order.buyer.documentNumber === documentNumber)).toBe(true);
    // Paying one frees a slot.
    const [first] = listed.body.items;
    await sandbox('POST', `/_sandbox/cips/${first?.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${first?.id}`)).body.status === 'PAID' ? true : undefined,
    );
    expect((await create(small)).status).toBe(201);
  });
});
