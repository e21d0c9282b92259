import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { checkLedgerIntegrity, type IntegritySummary } from '#jobs/ledger-integrity';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { metrics } from '#platform/powertools';
import type { IntegrityReport } from '#store/ledger-integrity-repository';
import { api, bankDestination as destination, eventually, orderRequest, sandbox } from '../../support/api';
import { TEST_SECOND_API_KEY } from '../../support/global-stack';
import { requesterKey } from '../../support/keys';
import { expectMatchesOpenApi } from '../../support/openapi-schemas';
import { importReport, report, underpaidOrder } from '../../support/settlements';

// Serial: a pass reads the whole ledger, and traffic booked while it runs would be compared
// against totals read after it (decision 80). Here nothing else books meanwhile.

const second = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };

const runPass = async (options: Record<string, unknown>) =>
  (await api<IntegritySummary>('POST', '/_local/jobs/ledger-integrity', { body: options, auth: false })).body;

async function paidOrder(request: Parameters<typeof orderRequest>[0]): Promise<Order> {
  const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest(request) })).body;
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { copies: 2 });
  return eventually(async () => {
    const read = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    return read.status === 'PAID' ? read : undefined;
  });
}

/** Payments in two currencies, a refund paid out and one still reserved: every kind of line. */
async function traffic(a: string, b: string) {
  const pen = await paidOrder({
    amount: 100000,
    splits: [
      { sellerId: a, amount: 60000, fee: 6000 },
      { sellerId: b, amount: 40000, fee: 4000 },
    ],
  });
  await paidOrder({ currency: 'USD', amount: 3000, splits: [{ sellerId: a, amount: 3000, fee: 300 }] });
  // A requester of its own: the default key's day may be spent by the tests before (decision 75).
  const requester = await requesterKey();
  const refund = async (amount: number) =>
    (
      await api<Refund>('POST', `/v1/orders/${pen.id}/refunds`, {
        body: { amount, reason: 'return', destination },
        headers: requester,
      })
    ).body;
  const paidOut = await refund(30000);
  await api('POST', `/v1/refunds/${paidOut.id}/mark-paid`, {
    headers: second,
    body: { transferReference: 'INT-1', paidAt: '2026-11-27T10:00:00-05:00' },
  });
  // Below the approval threshold: approved as requested, left reserved.
  const reserved = await refund(10001);
  expect(reserved.status).toBe('APPROVED');
  await heldPaymentSettled(b);
}

/**
 * A payment notified at another amount (its cash in suspense), which a report then settles at
 * that amount: its arrival is booked against psp_receivable (decision 125), and the account
 * totals move with the import's batch tally.
 */
async function heldPaymentSettled(sellerId: string) {
  const { order } = await underpaidOrder(sellerId);
  const file = await report({
    only: [order.voucher.cip],
    faults: { amount: { [order.voucher.cip]: '150.00' } },
  });
  const imported = await importReport(file.bytes);
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  expect(imported.body.counts.amount_mismatch).toBe(1);
}

const corrupt = (sellerId: string, amount: number) =>
  dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: sellerBalanceEntity.key(sellerId),
      UpdateExpression: 'ADD pending_PEN :amount',
      ExpressionAttributeValues: { ':amount': amount },
    }),
  );

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the ledger integrity job', () => {
  it('finds nothing after real traffic, then names exactly the seller whose balance was corrupted', async () => {
    const [a, b] = [`seller-int-a-${randomUUID()}`, `seller-int-b-${randomUUID()}`];
    await traffic(a, b);

    const clean = await runPass({ newPass: true });
    expect(clean.status).toBe('completed');
    expect(clean.report).toMatchObject({ ok: true, differenceCount: 0, firstDifference: null });
    // Two payments, two refund approvals, one refund paid out (and whatever earlier tests booked).
    expect(clean.report?.itemsRead).toBeGreaterThanOrEqual(5);
    const shown = await api<{ latest: IntegrityReport; running: null }>('GET', '/v1/ledger/integrity');
    expect(shown.status).toBe(200);
    expectMatchesOpenApi('LedgerIntegrity', shown.body);
    expect(shown.body).toMatchObject({ latest: { passId: clean.passId, ok: true }, running: null });

    // A test-only write: seller a's pending money grows by S/ 7.00 that no ledger line explains.
    const balance = (
      await api<{ balances: { currency: string; pending: number; available: number; inTransit: number }[] }>(
        'GET',
        `/v1/sellers/${a}/balance`,
      )
    ).body.balances.find((line) => line.currency === 'PEN');
    const owedBefore = (balance?.pending ?? 0) + (balance?.available ?? 0) + (balance?.inTransit ?? 0);
    // Its share of the order, less what it bears of the refunds: something, not nothing.
    expect(owedBefore).toBeGreaterThan(0);
    await corrupt(a, 700);
    const emitted = vi.spyOn(metrics, 'addMetric');
    const suspected = await checkLedgerIntegrity({ hasTimeLeft: () => true, newPass: true });
    const difference = {
      check: 'seller_owed',
      account: `seller_payable:${a}`,
      currency: 'PEN',
      expected: owedBefore,
      actual: owedBefore + 700,
    };
    // Seen once: it could be a booking racing the pass, so it is not alarmed yet…
    expect(suspected.report).toMatchObject({
      ok: false,
      confirmed: false,
      differenceCount: 1,
      firstDifference: difference,
    });
    expect(suspected.report?.differences).toEqual([difference]);
    expect(emitted).toHaveBeenLastCalledWith('LedgerIntegrityDifferences', 'Count', 0);
    // …and the very next scheduled run (no newPass) checks again at once: confirmed, alarmed, announced.
    const broken = await checkLedgerIntegrity({ hasTimeLeft: () => true });
    expect(broken.passId).not.toBe(suspected.passId);
    expect(broken.report).toMatchObject({
      ok: false,
      confirmed: true,
      differenceCount: 1,
      confirmedCount: 1,
      firstDifference: difference,
    });
    expect(emitted).toHaveBeenLastCalledWith('LedgerIntegrityDifferences', 'Count', 1);

    // The event names the difference (the feed holds back its newest 3 s).
    const event = await eventually(async () => {
      const page = await api<{ items: { type: string; data: { passId: string } }[] }>(
        'GET',
        '/v1/events?type=ledger.integrity_failed&limit=100',
      );
      return page.body.items.find((item) => item.data.passId === broken.passId);
    });
    expect(event.data).toMatchObject({
      ok: false,
      confirmed: true,
      differenceCount: 1,
      firstDifference: difference,
    });
    const events = await api<{ items: { data: { passId: string } }[] }>(
      'GET',
      '/v1/events?type=ledger.integrity_failed&limit=100',
    );
    // The unconfirmed pass announced nothing.
    expect(events.body.items.some((item) => item.data.passId === suspected.passId)).toBe(false);

    // Put it back: the next pass is clean again, and its metric says 0.
    await corrupt(a, -700);
    const repaired = await checkLedgerIntegrity({ hasTimeLeft: () => true, newPass: true });
    expect(repaired.report).toMatchObject({ ok: true, differenceCount: 0 });
    expect(emitted).toHaveBeenLastCalledWith('LedgerIntegrityDifferences', 'Count', 0);
  });

  it('resumes from its checkpoint when its time runs out, reading each entry once', async () => {
    const whole = await runPass({ newPass: true });
    expect(whole.report?.invocations).toBe(1);

    // A budget of 0 ms: every run reads one page, checkpoints and stops.
    const first = await runPass({ newPass: true, budgetMs: 0 });
    expect(first).toMatchObject({ status: 'running', pages: 1 });
    const progress = await api<{ running: { passId: string; pages: number } }>('GET', '/v1/ledger/integrity');
    expect(progress.body.running).toMatchObject({ passId: first.passId, pages: 1 });
    let last = first;
    let runs = 1;
    while (last.status === 'running' && runs < 200) {
      last = await runPass({ budgetMs: 0 });
      expect(last.passId).toBe(first.passId);
      runs++;
    }
    expect(last.status).toBe('completed');
    expect(runs).toBeGreaterThan(1);
    expect(last.report).toMatchObject({
      passId: first.passId,
      ok: true,
      invocations: runs,
      // Same entries as the uninterrupted pass: nothing read twice, nothing skipped.
      itemsRead: whole.report?.itemsRead,
    });
    expect((await api('GET', '/v1/ledger/integrity')).body).toMatchObject({ running: null });

    // Today's pass is done: a scheduled run (no newPass) has nothing to do.
    expect(await runPass({})).toMatchObject({ status: 'idle', itemsRead: 0 });
  });
});
