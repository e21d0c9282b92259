import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PayoutRunSummary } from '#jobs/create-payouts';
import type { Order } from '#model/order';
import type { SellerBalance } from '#store/ledger-repository';
import { api, eventually, orderRequest, sandbox, stack } from '../../support/api';
import { TEST_SECOND_API_KEY } from '../../support/global-stack';
import { requesterKey } from '../../support/keys';
import { expectMatchesOpenApi } from '../../support/openapi-schemas';

type Balance = SellerBalance;
interface Payout {
  id: string;
  status: string;
  amount: number;
  sellerId: string;
  requestedBy: { keyId: string };
  bankAccount?: { cci: string };
  items?: { reason: string; amount: number; orderId?: string }[];
}

const CCI = '00219300123456789013';
/** A second valid CCI: same bank and branch, another account (check digits computed). */
const OTHER_CCI = '00219300987654321013';

const balance = async (sellerId: string): Promise<Balance> => {
  const body = (await api<{ balances: Balance[] }>('GET', `/v1/sellers/${sellerId}/balance`)).body;
  return body.balances[0] as Balance;
};
const trialTotal = async () =>
  (await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN')).body.total;
const runJob = async <T>(name: string, body: unknown = {}) =>
  (await api<T>('POST', `/_local/jobs/${name}`, { auth: false, body })).body;
const asSecondKey = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };

async function paidOrder(sellerId: string, amount: number, fee: number): Promise<Order> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({ amount, splits: [{ sellerId, amount, fee }] }),
    })
  ).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  return eventually(async () => {
    const current = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    return current.status === 'PAID' ? current : undefined;
  });
}

async function settle(orders: Order[]) {
  const file = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settledOn: '2026-12-01', only: orders.map((order) => order.voucher.cip) }),
  });
  const imported = await api<{ counts: Record<string, number> }>('POST', '/v1/settlements', {
    rawBody: Buffer.from(await file.arrayBuffer()),
    headers: { 'content-type': 'text/csv' },
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
}

// Each from a requester of its own: the default key's day may be spent by the tests before (decision 75).
const refund = async (orderId: string, amount: number) =>
  api('POST', `/v1/orders/${orderId}/refunds`, {
    headers: await requesterKey(),
    body: {
      amount,
      reason: 'return',
      destination: {
        type: 'bank_account',
        cci: CCI,
        holderName: 'Ana María Núñez Peña',
        documentType: 'DNI',
        documentNumber: '45678912',
      },
    },
  });

describe('payouts', () => {
  it('pays a settled seller on schedule, recovers a refund made after the payout, and waits out a bank account change', async () => {
    const seller = `payee-${randomUUID()}`;
    expect(await trialTotal()).toBe(0);
    // Two orders (S/ 100.00 and S/ 50.00, fees 10.00 and 5.00), one partly refunded before settlement.
    const [first, second] = [await paidOrder(seller, 10000, 1000), await paidOrder(seller, 5000, 500)];
    expect((await refund(second.id, 1000)).status).toBe(201);
    // The refund took 1000 less its 100 fee share: pending 9000 + 4500 − 900.
    expect(await balance(seller)).toMatchObject({ pending: 12600, available: 0, reservedForRefunds: 900 });
    await settle([first, second]);
    expect(await balance(seller)).toMatchObject({ pending: 0, available: 12600 });

    // No bank account yet: the schedule skips the seller; with one, out of its cooling-off (a first
    // account cools off too: decision 77), it proposes.
    const account = await api<{ cci: string; version: number; coolingOffUntil?: string }>(
      'PUT',
      `/v1/sellers/${seller}/bank-account`,
      // A company seller: its account's holder is identified by its RUC (check digit verified).
      {
        body: {
          cci: CCI,
          holderName: 'Tienda Payee SAC',
          documentType: 'RUC',
          documentNumber: '20131312955',
        },
      },
    );
    expect(account.status, JSON.stringify(account.body)).toBe(200);
    expect(account.body).toMatchObject({ cci: '****************9013', version: 1 });
    expectMatchesOpenApi('SellerBankAccount', account.body);
    expect(account.body.coolingOffUntil).toEqual(expect.any(String));
    // Money must have waited holdDays (2) once available, and the account its 48 h.
    await api('POST', '/_local/clock', { body: { advanceSeconds: 3 * 86_400 }, auth: false });
    const run = await runJob<PayoutRunSummary>('create-payouts', { anyDay: true });
    expect(run.payoutDay).toBe(true);
    expect(run.proposed).toBeGreaterThanOrEqual(1);
    expect(run.itemsRead).toBeLessThanOrEqual(run.examined);
    const proposed = (await api<{ items: Payout[] }>('GET', `/v1/payouts?sellerId=${seller}`)).body.items;
    expect(proposed).toHaveLength(1);
    const payout = proposed[0] as Payout;
    expect(payout).toMatchObject({ status: 'REQUESTED', amount: 12600, requestedBy: { keyId: 'schedule' } });
    expect(payout.bankAccount?.cci).toBe('****************9013');
    // It lists what it pays: the two settled orders (+) and the refund (before settlement: not in it).
    const detail = (await api<Payout>('GET', `/v1/payouts/${payout.id}`)).body;
    expectMatchesOpenApi('Payout', detail);
    expectMatchesOpenApi('PayoutList', (await api('GET', `/v1/payouts?sellerId=${seller}`)).body);
    expectMatchesOpenApi('SellerBalance', (await api('GET', `/v1/sellers/${seller}/balance`)).body);
    expect(detail.items?.map((item) => [item.orderId, item.amount]).sort()).toEqual(
      [
        [first.id, 9000],
        [second.id, 3600],
      ].sort(),
    );

    // A second request while one is open: refused.
    const racing = await api('POST', '/v1/payouts', { body: { sellerId: seller, currency: 'PEN' } });
    expect(racing.body).toMatchObject({ status: 409, code: 'payout_in_progress' });

    // Sent three times at once (a client retrying on its timeout): one approval, and each twin
    // answers with the payout as it is — not 409 "only 0 is available" (decision 134).
    const approvals = await Promise.all(
      Array.from({ length: 3 }, () =>
        api<Payout>('POST', `/v1/payouts/${payout.id}/approve`, { headers: asSecondKey }),
      ),
    );
    for (const answer of approvals) expect(answer.body.status, JSON.stringify(answer.body)).toBe('APPROVED');
    expect(await balance(seller)).toMatchObject({ available: 0, inTransit: 12600, paidOut: 0 });
    const bankFile = await fetch(`${stack().apiUrl}/v1/payouts?status=APPROVED&format=csv&limit=1000`, {
      headers: { authorization: `Bearer ${stack().apiKey}` },
    });
    const rows = (await bankFile.text()).trim().split('\n');
    expect(rows[0]).toBe('beneficiary,documentType,documentNumber,cci,amount,currency,reference');
    expect(rows).toContain(`Tienda Payee SAC,RUC,20131312955,${CCI},126.00,PEN,${payout.id}`);

    const paid = await api<Payout>('POST', `/v1/payouts/${payout.id}/mark-paid`, {
      body: { transferReference: 'BCP-PAY-0001', paidAt: '2026-12-05T15:00:00.000Z' },
    });
    expect(paid.body.status).toBe('PAID_OUT');
    expect(await balance(seller)).toMatchObject({ available: 0, inTransit: 0, paidOut: 12600 });
    expectMatchesOpenApi('Payout', paid.body);
    expect(await trialTotal()).toBe(0);

    // A refund after the payout: the seller's balance goes negative (3000 less its 300 fee share).
    expect((await refund(first.id, 3000)).status).toBe(201);
    expect(await balance(seller)).toMatchObject({ available: -2700 });
    const ledger = await api<{ items: { reason: string; amount: number }[] }>(
      'GET',
      `/v1/sellers/${seller}/ledger`,
    );
    expect(ledger.body.items[0]).toMatchObject({ reason: 'refund_approved', amount: -2700 });
    const empty = await api('POST', '/v1/payouts', { body: { sellerId: seller, currency: 'PEN' } });
    expect(empty.body).toMatchObject({ code: 'nothing_available' });
    expect(await trialTotal()).toBe(0);

    // The next settled order first recovers the negative balance.
    const third = await paidOrder(seller, 8000, 800);
    await settle([third]);
    expect(await balance(seller)).toMatchObject({ available: 7200 - 2700 });

    // A changed bank account blocks payouts until its cooling-off ends.
    const changed = await api<{ coolingOffUntil?: string; version: number }>(
      'PUT',
      `/v1/sellers/${seller}/bank-account`,
      {
        body: {
          cci: OTHER_CCI,
          holderName: 'Tienda Payee SAC',
          documentType: 'DNI',
          documentNumber: '45678912',
        },
      },
    );
    expect(changed.body.version).toBe(2);
    expect(changed.body.coolingOffUntil).toBeDefined();
    const blocked = await api<{ code: string; until: string }>('POST', '/v1/payouts', {
      body: { sellerId: seller, currency: 'PEN' },
    });
    expect(blocked.body).toMatchObject({
      code: 'bank_account_cooling_off',
      until: changed.body.coolingOffUntil,
    });
    await api('POST', '/_local/clock', { body: { advanceSeconds: 49 * 3600 }, auth: false });
    const next = await api<Payout>('POST', '/v1/payouts', { body: { sellerId: seller, currency: 'PEN' } });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.amount).toBe(4500);
    // The requester cannot approve its own payout.
    const self = await api('POST', `/v1/payouts/${next.body.id}/approve`);
    expect(self.body).toMatchObject({ code: 'approver_must_differ' });
    await api('POST', `/v1/payouts/${next.body.id}/approve`, { headers: asSecondKey });
    // The bank returned it: available again.
    await api('POST', `/v1/payouts/${next.body.id}/mark-failed`, { body: { reason: 'cuenta cerrada' } });
    expect(await balance(seller)).toMatchObject({ available: 4500, inTransit: 0, paidOut: 12600 });
    expect(await trialTotal()).toBe(0);
  });
});
