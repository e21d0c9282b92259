import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PayoutRunSummary } from '#jobs/create-payouts';
import type { Order } from '#model/order';
import { issueApiKey } from '../../../scripts/api-keys';
import { api, asKey, eventually, orderRequest, sandbox, stack } from '../../support/api';

/**
 * Decision 77: no payout goes to an account one person set and approved alone. The finding it
 * answers: one admin-like key set a seller's first bank account, then approved and marked paid
 * the payout the schedule proposed — the seller's money redirected end to end.
 */

interface Payout {
  id: string;
  status: string;
  sellerId: string;
  requestedBy: { keyId: string; principal?: string };
  history: { status: string; by: { keyId: string; principal?: string } }[];
}
type Problem = { status: number; code: string };

const runJob = async <T>(name: string, body: unknown = {}) =>
  (await api<T>('POST', `/_local/jobs/${name}`, { auth: false, body })).body;
const advance = (seconds: number) =>
  api('POST', '/_local/clock', { body: { advanceSeconds: seconds }, auth: false });

async function settledSeller(sellerId: string): Promise<void> {
  const order = (
    await api<Order>('POST', '/v1/orders', {
      body: orderRequest({ amount: 10000, splits: [{ sellerId, amount: 10000, fee: 1000 }] }),
    })
  ).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  await eventually(async () =>
    (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID' ? true : undefined,
  );
  const file = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settledOn: '2026-12-01', only: [order.voucher.cip] }),
  });
  const imported = await api('POST', '/v1/settlements', {
    rawBody: Buffer.from(await file.arrayBuffer()),
    headers: { 'content-type': 'text/csv' },
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
}

describe('payout approvers', () => {
  it('the person who set the bank account — with any of their keys — cannot approve the scheduled payout to it; a first account cools off', async () => {
    const seller = `victim-${randomUUID()}`;
    await settledSeller(seller);
    const person = `ops:eve-${randomUUID().slice(0, 8)}`;
    const eve = asKey((await issueApiKey('eve desk', { scopes: ['admin'], principal: person })).apiKey);
    const eveAgain = asKey(
      (await issueApiKey('eve laptop', { scopes: ['admin'], principal: person })).apiKey,
    );
    const checker = await issueApiKey('finance checker', {
      scopes: ['admin'],
      principal: `finance:${randomUUID()}`,
    });

    // The seller's FIRST account: it cools off too, and records who set it.
    const account = await eve<{ coolingOffUntil?: string; history: { changedByPrincipal?: string }[] }>(
      'PUT',
      `/v1/sellers/${seller}/bank-account`,
      {
        cci: '00219300123456789013',
        holderName: 'Eve Cuenta',
        documentType: 'DNI',
        documentNumber: '45678912',
      },
    );
    expect(account.status, JSON.stringify(account.body)).toBe(200);
    expect(account.body.coolingOffUntil).toEqual(expect.any(String));
    expect(account.body.history.at(-1)?.changedByPrincipal).toBe(person);
    const early = await eve<Problem>('POST', '/v1/payouts', { sellerId: seller, currency: 'PEN' });
    expect(early.body.code).toBe('bank_account_cooling_off');

    // Past holdDays and the cooling-off, the schedule proposes the payout.
    await advance(3 * 86_400);
    const run = await runJob<PayoutRunSummary>('create-payouts', { anyDay: true });
    expect(run.proposed).toBeGreaterThanOrEqual(1);
    const payout = (await api<{ items: Payout[] }>('GET', `/v1/payouts?sellerId=${seller}`)).body
      .items[0] as Payout;
    expect(payout).toMatchObject({ status: 'REQUESTED', requestedBy: { keyId: 'schedule' } });

    // The account's setter approves: refused, with either of their keys.
    for (const key of [eve, eveAgain]) {
      const refused = await key<Problem>('POST', `/v1/payouts/${payout.id}/approve`);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('approver_set_bank_account');
    }
    // Another person approves; marking it paid may then be done by either (decision 77).
    const approved = await asKey(checker.apiKey)<Payout>('POST', `/v1/payouts/${payout.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const paid = await eve<Payout>('POST', `/v1/payouts/${payout.id}/mark-paid`, {
      transferReference: 'BCP-PAY-EVE',
      paidAt: '2026-12-05T15:00:00.000Z',
    });
    expect(paid.body.status).toBe('PAID_OUT');
    expect(paid.body.history.map((step) => [step.status, step.by.principal])).toEqual([
      ['REQUESTED', 'system:payout-schedule'],
      ['APPROVED', checker.record.principal],
      ['PAID_OUT', person],
    ]);
  });
});
