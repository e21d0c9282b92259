import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { issueApiKey } from '../../scripts/api-keys';
import {
  api,
  asKey,
  bankDestination as destination,
  eventually,
  orderRequest,
  sandbox,
} from '../support/api';
import { requesterKey } from '../support/keys';

/** People, not keys (decision 76): principals for maker-checker, and what a seller's key may see. */

type Problem = { status: number; code: string; errors?: { field: string; message: string }[] };
type Page<T> = { items: T[]; nextCursor: string | null };

async function paidSplitOrder(a: string, b: string, amount = 100000): Promise<Order> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({
        amount,
        splits: [
          { sellerId: a, amount: (amount * 3) / 5, fee: (amount * 3) / 50 },
          { sellerId: b, amount: (amount * 2) / 5, fee: (amount * 2) / 50 },
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

describe('principals', () => {
  it('two keys of one principal are one person: neither approves the other’s refund, and the audit names the principal', async () => {
    const person = `finance:maria-${randomUUID().slice(0, 8)}`;
    const first = await issueApiKey('maria laptop', { scopes: ['admin'], principal: person });
    const second = await issueApiKey('maria phone', { scopes: ['admin'], principal: person });
    expect(first.record.principal).toBe(person);
    expect(first.record.keyId).not.toBe(second.record.keyId);
    // Without --principal a key is a person of its own (its id), as keys issued before principals are.
    const alone = await issueApiKey('someone else', { scopes: ['admin'] });
    expect(alone.record.principal).toBe(alone.record.keyId);
    await expect(issueApiKey('impostor', { principal: 'system:payout-schedule' })).rejects.toThrow(
      /principal/,
    );

    const order = await paidSplitOrder(`pp-a-${randomUUID()}`, `pp-b-${randomUUID()}`);
    const requested = await asKey(first.apiKey)<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      amount: 60000,
      reason: 'return',
      destination,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body.status).toBe('REQUESTED');
    expect(requested.body.requestedBy).toMatchObject({ keyId: first.record.keyId, principal: person });

    // The same person's second key: refused, whatever key it is.
    const sameperson = await asKey(second.apiKey)<Problem>(
      'POST',
      `/v1/refunds/${requested.body.id}/approve`,
    );
    expect(sameperson.status).toBe(409);
    expect(sameperson.body.code).toBe('approver_must_differ');

    const approved = await asKey(alone.apiKey)<Refund>('POST', `/v1/refunds/${requested.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.history.map((step) => [step.status, step.by.principal])).toEqual([
      ['REQUESTED', person],
      ['APPROVED', alone.record.keyId],
    ]);
  });
});

describe('one person, one spelling (outside test 9, decision 134)', () => {
  it('a key issued for FINANZAS@… is the same person as finanzas@…: it neither approves their refund nor is listed apart', async () => {
    const person = `finanzas-${randomUUID().slice(0, 8)}@local.test`;
    const lower = await issueApiKey('finanzas laptop', { scopes: ['admin'], principal: person });
    // Issued today, the principal is stored in one spelling…
    const issued = await issueApiKey('finanzas phone', {
      scopes: ['admin'],
      principal: person.toUpperCase(),
    });
    expect(issued.record.principal).toBe(person);
    // …and a key stored as typed (issued before, or given locally) is read in that spelling too.
    const upper = await requesterKey(person.toUpperCase());
    const order = await paidSplitOrder(`pc-a-${randomUUID()}`, `pc-b-${randomUUID()}`);
    const requested = await asKey(lower.apiKey)<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      amount: 60000,
      reason: 'return',
      destination,
    });
    expect(requested.body.status).toBe('REQUESTED');
    for (const approver of [{ headers: upper }, { headers: { authorization: `Bearer ${issued.apiKey}` } }]) {
      const self = await api<Problem>('POST', `/v1/refunds/${requested.body.id}/approve`, approver);
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('approver_must_differ');
    }
  });
});

describe("a seller's key", () => {
  it('sees its own split of a shared order and its own allocation of a refund, not the other seller’s', async () => {
    const [mine, theirs] = [`split-a-${randomUUID()}`, `split-b-${randomUUID()}`];
    const order = await paidSplitOrder(mine, theirs, 20000);
    // Below the approval threshold: approved as requested.
    const refund = (
      await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
        body: { amount: 5000, reason: 'return', destination },
      })
    ).body;
    expect(refund.allocations).toHaveLength(2);
    const seller = asKey((await issueApiKey('seller portal', { sellerId: mine })).apiKey);
    const ownSplit = [{ sellerId: mine, amount: 12000, fee: 1200 }];

    expect((await seller<Order>('GET', `/v1/orders/${order.id}`)).body.splits).toEqual(ownSplit);
    expect((await seller<Order>('GET', `/v1/vouchers/${order.voucher.cip}`)).body.splits).toEqual(ownSplit);
    const listed = (await seller<Page<Order>>('GET', `/v1/orders?reference=${order.reference}`)).body.items;
    expect(listed.map((item) => item.splits)).toEqual([ownSplit]);

    const ownAllocation = [{ sellerId: mine, amount: 3000, fee: 300 }];
    expect((await seller<Refund>('GET', `/v1/refunds/${refund.id}`)).body.allocations).toEqual(ownAllocation);
    const refunds = (await seller<Page<Refund>>('GET', `/v1/refunds?orderId=${order.id}`)).body.items;
    expect(refunds.map((item) => item.allocations)).toEqual([ownAllocation]);
    // The marketplace's own keys still see the whole order.
    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.splits).toHaveLength(2);
  });
});

describe('listing cursors', () => {
  it('are sealed: no ids inside, and refused (400) for another seller, another caller or another listing', async () => {
    const [sellerA, sellerB] = [`cur-a-${randomUUID()}`, `cur-b-${randomUUID()}`];
    for (const seller of [sellerA, sellerA, sellerB, sellerB]) {
      await api('POST', '/v1/orders', {
        body: orderRequest({ amount: 3000, splits: [{ sellerId: seller, amount: 3000, fee: 300 }] }),
      });
    }
    const keyA = asKey((await issueApiKey('portal A', { sellerId: sellerA })).apiKey);
    const keyB = asKey((await issueApiKey('portal B', { sellerId: sellerB })).apiKey);

    const first = (await keyA<Page<Order>>('GET', '/v1/orders?limit=1')).body;
    const cursor = first.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    // Opaque: nothing readable inside (it used to be base64 JSON of DynamoDB keys: order ids, seller ids).
    const decoded = Buffer.from(cursor.replace(/^c1\./, ''), 'base64url').toString('latin1');
    expect(decoded).not.toContain(first.items[0]?.id ?? 'no-id');
    expect(decoded).not.toContain(sellerA);
    expect(decoded).not.toMatch(/"\w+":/);

    // Its own caller pages on.
    const second = await keyA<Page<Order>>('GET', `/v1/orders?limit=1&cursor=${cursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0]?.id).not.toBe(first.items[0]?.id);

    // Another seller's key replaying it: 400 problem+json on the field.
    const replayed = await keyB<Problem>('GET', `/v1/orders?limit=1&cursor=${cursor}`);
    expect(replayed.status).toBe(400);
    expect(replayed.body.errors?.map((error) => error.field)).toEqual(['query.cursor']);

    // A marketplace key's cursor of refunds, replayed by a seller's key: refused too.
    const order = await paidSplitOrder(sellerA, sellerB, 20000);
    for (let i = 0; i < 2; i++) {
      await api('POST', `/v1/orders/${order.id}/refunds`, {
        body: { amount: 1000, reason: 'return', destination },
      });
    }
    const refunds = await api<Page<Refund>>('GET', `/v1/refunds?orderId=${order.id}&limit=1`);
    const refundCursor = refunds.body.nextCursor as string;
    expect(refundCursor).toEqual(expect.any(String));
    expect(Buffer.from(refundCursor, 'base64url').toString('latin1')).not.toContain(
      refunds.body.items[0]?.id,
    );
    const stolen = await keyA<Problem>(
      'GET',
      `/v1/refunds?orderId=${order.id}&limit=1&cursor=${refundCursor}`,
    );
    expect(stolen.status).toBe(400);
    expect(stolen.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // …and a cursor of one listing on another listing, by the same caller.
    const crossed = await api<Problem>('GET', `/v1/orders?limit=1&cursor=${refundCursor}`);
    expect(crossed.status).toBe(400);
    // The marketplace key itself pages on with it.
    const next = await api<Page<Refund>>(
      'GET',
      `/v1/refunds?orderId=${order.id}&limit=1&cursor=${refundCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0]?.id).not.toBe(refunds.body.items[0]?.id);
  });
});
