import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import type { JournalEntry } from '#model/journal';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { api, bankDestination as destination, eventually, orderRequest, sandbox } from '../support/api';
import { TEST_SECOND_API_KEY } from '../support/global-stack';
import { requesterKey } from '../support/keys';
import { paidBody, postNotification } from '../support/notifications';

/**
 * The refund rules an outside drill broke (issue 26): a late payment accepted after part of it was
 * refunded from suspense, fees given back on the cumulative refunded amount, and maker-checker on
 * cumulative amounts per order and per requester and Lima day (decisions 74, 75). Each test
 * requests with a key of its own, so the requester's day starts at zero whatever else runs.
 */
type Problem = { status: number; code: string; refunds?: { id: string; status: string }[] };
interface Balance {
  balances: { currency: string; pending: number; reservedForRefunds: number }[];
}

const approver = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };

const request = (orderId: string, amount: number, headers: Record<string, string>) =>
  api<Refund>('POST', `/v1/orders/${orderId}/refunds`, {
    body: { amount, reason: 'return', destination },
    headers,
  });
const markPaid = (refundId: string) =>
  api<Refund>('POST', `/v1/refunds/${refundId}/mark-paid`, {
    body: { transferReference: `TRF-${randomUUID().slice(0, 8)}`, paidAt: '2026-11-27T15:00:00-05:00' },
  });
const balance = async (sellerId: string) =>
  (await api<Balance>('GET', `/v1/sellers/${sellerId}/balance`)).body.balances[0];
const order = async (id: string) => (await api<Order>('GET', `/v1/orders/${id}`)).body;
async function entry(id: string): Promise<JournalEntry | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: journalEntryEntity.key(id), ConsistentRead: true }),
  );
  return result.Item as JournalEntry | undefined;
}
const line = (journal: JournalEntry | undefined, account: string) =>
  journal?.lines.find((candidate) => candidate.account === account)?.amount ?? 0;

async function paidOrder(body: Parameters<typeof orderRequest>[0]): Promise<Order> {
  const created = (await api<Order>('POST', '/v1/orders', { body: orderRequest(body) })).body;
  await sandbox('POST', `/_sandbox/cips/${created.voucher.cip}/pay`, {});
  return eventually(async () => {
    const current = await order(created.id);
    return current.status === 'PAID' ? current : undefined;
  });
}

describe('refund rules', () => {
  it('accepts a late payment partly refunded from suspense for what is left only, and not while a refund is open', async () => {
    const [a, b] = [`late-a-${randomUUID()}`, `late-b-${randomUUID()}`];
    const created = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({
          currency: 'USD',
          amount: 20_000,
          splits: [
            { sellerId: a, amount: 12_000, fee: 1_200 },
            { sellerId: b, amount: 8_000, fee: 800 },
          ],
        }),
      })
    ).body;
    await api('POST', `/v1/orders/${created.id}/cancel`);
    await postNotification(
      paidBody({
        cip: created.voucher.cip,
        operationNumber: 700_000_000 + Math.floor(Math.random() * 99_999_999),
        amount: 200,
        currency: 'USD',
      }),
    );
    await eventually(async () => ((await order(created.id)).status === 'PAID_LATE' ? true : undefined));

    const refund = await request(created.id, 6_000, await requesterKey());
    expect(refund.body.status).toBe('APPROVED');
    // The refund is not paid out yet: accepting now would credit money that is leaving suspense.
    const early = await api<Problem>('POST', `/v1/orders/${created.id}/accept-late-payment`);
    expect(early.body).toMatchObject({
      status: 409,
      code: 'refund_in_progress',
      refunds: [{ id: refund.body.id, status: 'APPROVED' }],
    });
    expect((await markPaid(refund.body.id)).body.status).toBe('PAID_OUT');

    const accepted = await api<Order>('POST', `/v1/orders/${created.id}/accept-late-payment`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'PAID', refundedAmount: 6_000 });
    // 20,000 received, 6,000 returned from suspense: the sellers and the platform share 14,000.
    // A: 12,000 − 1,200 less its refund share 3,600 − 360; B: 8,000 − 800 less 2,400 − 240.
    expect(await balance(a)).toMatchObject({ currency: 'USD', pending: 7_560, reservedForRefunds: 0 });
    expect(await balance(b)).toMatchObject({ currency: 'USD', pending: 5_040, reservedForRefunds: 0 });
    const acceptance = await entry(`late_payment_accepted:${created.id}`);
    expect(line(acceptance, 'platform_commission')).toBe(-1_400);
    expect(line(acceptance, 'suspense')).toBe(14_000);
    // Suspense ends at zero for this payment: in 20,000, out 6,000 (refund) + 14,000 (accepted).
    const suspense = [
      await entry(`late_payment:${created.id}`),
      await entry(`refund_approved:${refund.body.id}`),
      acceptance,
    ].reduce((sum, journal) => sum + line(journal, 'suspense'), 0);
    expect(suspense).toBe(0);
    const trial = await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=USD');
    expect(trial.body.total).toBe(0);

    // The rest refunded after acceptance comes from the sellers, and empties them exactly.
    const rest = await request(created.id, 14_000, await requesterKey());
    await api('POST', `/v1/refunds/${rest.body.id}/approve`, { headers: approver });
    await markPaid(rest.body.id);
    expect((await order(created.id)).status).toBe('REFUNDED');
    expect(await balance(a)).toMatchObject({ pending: 0, reservedForRefunds: 0 });
    expect(await balance(b)).toMatchObject({ pending: 0, reservedForRefunds: 0 });
  });

  it('gives the whole fee back when a 10,000 order with a 1,001 fee is refunded in two halves', async () => {
    const seller = `halves-${randomUUID()}`;
    const paid = await paidOrder({
      amount: 10_000,
      splits: [{ sellerId: seller, amount: 10_000, fee: 1_001 }],
    });
    expect((await balance(seller))?.pending).toBe(8_999);
    const key = await requesterKey();
    const first = await request(paid.id, 5_000, key);
    await markPaid(first.body.id);
    const second = await request(paid.id, 5_000, key);
    expect(first.body.allocations).toEqual([{ sellerId: seller, amount: 5_000, fee: 500 }]);
    expect(second.body.allocations).toEqual([{ sellerId: seller, amount: 5_000, fee: 501 }]);
    await markPaid(second.body.id);
    expect((await order(paid.id)).status).toBe('REFUNDED');
    expect(await balance(seller)).toMatchObject({ pending: 0, reservedForRefunds: 0 });
    const given = [first.body.id, second.body.id].map((id) => entry(`refund_approved:${id}`));
    const back = (await Promise.all(given)).reduce(
      (sum, journal) => sum + line(journal, 'platform_commission'),
      0,
    );
    expect(back).toBe(-line(await entry(`payment:${paid.id}`), 'platform_commission'));
    expect(back).toBe(1_001);
  });

  it('counts every refund of an order towards the approval threshold: three of 49,999 do not all pass alone', async () => {
    const paid = await paidOrder({
      amount: 150_000,
      splits: [{ sellerId: `split-${randomUUID()}`, amount: 150_000, fee: 15_000 }],
    });
    const key = await requesterKey();
    const first = await request(paid.id, 49_999, key);
    const second = await request(paid.id, 49_999, key);
    const third = await request(paid.id, 49_999, key);
    expect([first, second, third].map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect([first, second, third].map((answer) => answer.body.status)).toEqual([
      'APPROVED',
      'REQUESTED',
      'REQUESTED',
    ]);
    // The requester cannot approve its own; a second key can.
    const own = await api<Problem>('POST', `/v1/refunds/${second.body.id}/approve`, { headers: key });
    expect(own.body.code).toBe('approver_must_differ');
    const approved = await api<Refund>('POST', `/v1/refunds/${second.body.id}/approve`, {
      headers: approver,
    });
    expect(approved.body.status).toBe('APPROVED');
  });

  it("sends a requester's refunds to a second key once its day's approved-at-once total reaches the daily threshold", async () => {
    // The stage default: 150,000 a Lima day per person (REFUND_DAILY_APPROVAL_THRESHOLD), per currency.
    const orders = await Promise.all(
      [1, 2, 3, 4].map(() =>
        paidOrder({
          amount: 40_000,
          splits: [{ sellerId: `daily-${randomUUID()}`, amount: 40_000, fee: 4_000 }],
        }),
      ),
    );
    // The day is the person's (decision 76): the fourth request comes from another key of the same principal.
    const person = `refunds:${randomUUID()}`;
    const [key, sameperson] = [await requesterKey(person), await requesterKey(person)];
    const statuses: string[] = [];
    // 40,000 + 40,000 + 40,000 = 120,000 approved at once; the fourth would make 160,000.
    for (const [index, paid] of orders.entries()) {
      statuses.push((await request(paid.id, 40_000, index < 3 ? key : sameperson)).body.status);
    }
    expect(statuses).toEqual(['APPROVED', 'APPROVED', 'APPROVED', 'REQUESTED']);
    // Another requester's day is its own.
    const other = await paidOrder({
      amount: 40_000,
      splits: [{ sellerId: `daily-${randomUUID()}`, amount: 40_000, fee: 4_000 }],
    });
    expect((await request(other.id, 40_000, await requesterKey())).body.status).toBe('APPROVED');
  });

  it('refuses a seller named twice in allocations (it would bear two shares of its split, booked once)', async () => {
    const [a, b] = [`twice-a-${randomUUID()}`, `twice-b-${randomUUID()}`];
    const paid = await paidOrder({
      amount: 10_000,
      splits: [
        { sellerId: a, amount: 5_000, fee: 500 },
        { sellerId: b, amount: 5_000, fee: 500 },
      ],
    });
    const refused = await api<Problem & { errors: { field: string }[] }>(
      'POST',
      `/v1/orders/${paid.id}/refunds`,
      {
        body: {
          amount: 8_000,
          reason: 'return',
          destination,
          allocations: [
            { sellerId: a, amount: 4_000 },
            { sellerId: a, amount: 4_000 },
          ],
        },
        headers: await requesterKey(),
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error) => error.field)).toContain('allocations.1.sellerId');
    expect((await order(paid.id)).refunds ?? []).toEqual([]);
    expect(await balance(a)).toMatchObject({ pending: 4_500, reservedForRefunds: 0 });
  });

  it('keeps a failed refund in the order total for approval: the requester cannot mark it failed and go again alone', async () => {
    const paid = await paidOrder({
      amount: 120_000,
      splits: [{ sellerId: `failed-${randomUUID()}`, amount: 120_000, fee: 0 }],
    });
    const key = await requesterKey();
    const first = (await request(paid.id, 40_000, key)).body;
    expect(first.status).toBe('APPROVED');
    const failed = await api<Refund>('POST', `/v1/refunds/${first.id}/mark-failed`, {
      body: { reason: 'the bank bounced the transfer' },
      headers: key,
    });
    expect(failed.body.status).toBe('FAILED');
    // 40,000 failed + 40,000 = 80,000 ≥ the 50,000 threshold: a second person approves this one.
    expect((await request(paid.id, 40_000, key)).body.status).toBe('REQUESTED');
  });

  it('refuses `__proto__` as a seller id (as a plain-object key its money would vanish from the balance)', async () => {
    const created = await api<Problem & { errors: { field: string }[] }>('POST', '/v1/orders', {
      body: orderRequest({ amount: 5_000, splits: [{ sellerId: '__proto__', amount: 5_000, fee: 500 }] }),
    });
    expect(created.status).toBe(400);
    expect(created.body.errors.map((error) => error.field)).toContain('splits.0.sellerId');
    const read = await api<Problem>('GET', '/v1/sellers/__proto__/balance');
    expect(read.status).toBe(400);
  });

  it("adds up an order's refunds per currency for approval: a US$ 400 anomaly refund does not make a S/ 200 one wait (outside test 11)", async () => {
    const paid = await paidOrder({
      amount: 60_000,
      splits: [{ sellerId: 's-cur', amount: 60_000, fee: 6_000 }],
    });
    const operationNumber = 710_000_000 + Math.floor(Math.random() * 9_999_999);
    // A second operation on its CIP, in dollars: held in suspense as a currency mismatch.
    await postNotification(
      paidBody({ cip: paid.voucher.cip, operationNumber, amount: 400, currency: 'USD' }),
    );
    const anomalyId = `currency_mismatch:${paid.voucher.cip}:${operationNumber}`;
    await eventually(async () => {
      const listed = await api<{ items: { id: string }[] }>(
        'GET',
        '/v1/anomalies?type=currency_mismatch&limit=100',
      );
      return listed.body.items.some((anomaly) => anomaly.id === anomalyId) ? true : undefined;
    });
    const key = await requesterKey();
    const dollars = await api<Refund>('POST', `/v1/orders/${paid.id}/refunds`, {
      body: { amount: 40_000, reason: 'overpayment', anomalyId, destination },
      headers: key,
    });
    expect(dollars.body).toMatchObject({ status: 'APPROVED', currency: 'USD' });
    const soles = await request(paid.id, 20_000, key);
    expect(soles.body).toMatchObject({ status: 'APPROVED', currency: 'PEN' });
    // The soles still add up: 20,000 + 30,000 reaches the S/ 500.00 threshold.
    const third = await request(paid.id, 30_000, key);
    expect(third.body.status, JSON.stringify(third.body)).toBe('REQUESTED');
  });
});
