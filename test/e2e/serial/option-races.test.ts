import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { listBucketFor } from '#contract/entities/key-parts';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import { dynamo } from '#platform/aws';
import { indexQuery } from '#store/cursor';
import { getClosure } from '#store/option-closures';
import { DEFAULT_CULQI_SANDBOX } from '../../../local/sandbox/server';
import { api, eventually, http, orderRequest, sandbox, stack, stackNow } from '../../support/api';
import { paidBody, postNotification } from '../../support/notifications';

/**
 * Issue 30, "Bad input and faults": an order payable by its CIP and by a wallet QR, both paid —
 * within the same second, notifications in either order, duplicated, or lost and found by polling
 * (decision 99). Every case ends the same way: exactly one payment applied, the other a
 * `double_payment` anomaly with its money in suspense once and one refund proposal, nothing
 * applied twice, and the trial balance at 0. Serial: sync-pending and the expirer are run on demand and the clock is moved.
 */

type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };
type Anomaly = {
  id: string;
  type: string;
  orderId?: string;
  amount?: number;
  optionId?: string;
  cip?: string;
};

const AMOUNT = 14_000;

async function newOrder(): Promise<{ order: OrderView; walletId: string; cip: string }> {
  const base = orderRequest();
  const created = await api<OrderView>('POST', '/v1/orders', {
    body: {
      ...base,
      amount: AMOUNT,
      paymentMethods: ['cash', 'wallet'],
      buyer: { ...base.buyer, email: `race-${base.reference}@example.pe` },
      splits: [{ sellerId: 'seller-a', amount: AMOUNT, fee: 1_400 }],
    },
  });
  expect(created.status).toBe(201);
  const wallet = created.body.paymentOptions.find((option) => option.method === 'wallet');
  expect(wallet?.status).toBe('open');
  return { order: created.body, walletId: wallet?.id ?? '', cip: created.body.voucher.cip };
}

const payWallet = (walletId: string, body: Record<string, unknown>) =>
  sandbox<{ orderId: string; chargeId: string }>('POST', `/_sandbox/wallets/${walletId}/pay`, body);
const payCip = (cip: string, body: Record<string, unknown>) =>
  sandbox<{ operationNumber: string }>('POST', `/_sandbox/cips/${cip}/pay`, body);

/** Culqi's `order.status.changed` for a wallet order, as the sandbox sends it (basic auth). */
function deliverCulqiEvent(walletId: string, providerRef: string) {
  const basic = Buffer.from(
    `${DEFAULT_CULQI_SANDBOX.webhookUser}:${DEFAULT_CULQI_SANDBOX.webhookPassword}`,
  ).toString('base64');
  return api('POST', '/webhooks/culqi', {
    rawBody: JSON.stringify({
      object: 'event',
      id: `evt_test_${providerRef}`,
      type: 'order.status.changed',
      data: JSON.stringify({ object: 'order', id: providerRef, order_number: walletId, state: 'paid' }),
    }),
    headers: { authorization: `Basic ${basic}` },
    auth: false,
  });
}

/** PagoEfectivo's `cip.paid`, dated by the stack's clock (serial tests move it past real time). */
const deliverCipNotification = async (cip: string, operationNumber: string) =>
  postNotification(paidBody({ cip, operationNumber, amount: AMOUNT / 100, paidAt: await stackNow() }));

/** Moves the stack's clock an hour past the order's deadline (and the expiry grace). */
async function pastDeadline(order: OrderView): Promise<void> {
  const dueIn = (Date.parse(order.expiresAt) - (await stackNow()).getTime()) / 1000;
  await api('POST', '/_local/clock', { body: { advanceSeconds: Math.ceil(dueIn) + 3600 }, auth: false });
}

const getOrder = async (id: string) => (await api<OrderView>('GET', `/v1/orders/${id}`)).body;

const runJob = (job: 'sync-pending' | 'expire-orders') =>
  api<Record<string, unknown>>('POST', `/_local/jobs/${job}`, { auth: false });

async function doublePayments(orderId: string): Promise<Anomaly[]> {
  const { body } = await api<{ items: Anomaly[] }>('GET', '/v1/anomalies?type=double_payment&limit=100');
  return body.items.filter((item) => item.orderId === orderId);
}

/** The order's journal entries (its subject's slice of the ledger index), by reason. */
async function journalReasons(orderId: string): Promise<string[]> {
  const result = await dynamo().send(
    new QueryCommand({
      ...indexQuery(
        journalEntryEntity.indexes.ledger,
        journalEntryEntity.ledger(listBucketFor(orderId)),
        'begins_with(#sk, :prefix)',
      ),
      ExpressionAttributeValues: {
        ':pk': journalEntryEntity.ledger(listBucketFor(orderId)),
        ':prefix': `${orderId}#`,
      },
    }),
  );
  return (result.Items ?? []).map((item) => String(item.reason)).sort();
}

/**
 * The invariant: PAID once by exactly one option, the other option's payment one
 * `double_payment` anomaly, booked to suspense once, and the ledger balanced.
 */
async function expectOnePaymentOneDouble(orderId: string, other: string) {
  const anomalies = await eventually(async () => {
    const found = await doublePayments(orderId);
    return found.length > 0 ? found : undefined;
  });
  // Let every straggling delivery and the closure's own check land before counting.
  await runJob('sync-pending');
  const order = await getOrder(orderId);
  expect(['PAID', 'PAID_LATE']).toContain(order.status);
  expect(order.history.filter((entry) => entry.to === 'PAID' || entry.to === 'PAID_LATE')).toHaveLength(1);
  const paidBy = order.payment?.optionId ?? order.paymentOptions[0]?.id;
  expect(paidBy).not.toBe(other === 'any' ? undefined : other);
  const final = await doublePayments(orderId);
  expect(final).toHaveLength(1);
  expect(final[0]).toMatchObject({ type: 'double_payment', amount: AMOUNT });
  expect(final[0]?.cip).not.toBe(order.payment?.optionId ?? order.voucher.cip);
  expect(anomalies[0]?.id).toBe(final[0]?.id);
  const reasons = await journalReasons(orderId);
  expect(reasons.filter((reason) => reason === 'unmatched_payment')).toHaveLength(1);
  expect(reasons.filter((reason) => reason === 'payment' || reason === 'late_payment')).toHaveLength(1);
  // One refund proposal per double payment (decision 114): back through the wallet either way.
  const refunds = (
    await api<{ items: { requestedBy?: { principal?: string }; amount: number }[] }>(
      'GET',
      `/v1/refunds?orderId=${orderId}`,
    )
  ).body.items;
  expect(refunds.filter((refund) => refund.requestedBy?.principal === 'system:double-payment')).toEqual([
    expect.objectContaining({ amount: AMOUNT }),
  ]);
  const balance = await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN');
  expect(balance.body.total).toBe(0);
  return order;
}

describe('both options of one order paid (issue 30, decision 99)', () => {
  it('within the same second, each notified: one applied, the other a double payment', async () => {
    const { order, walletId, cip } = await newOrder();
    const [wallet, cash] = await Promise.all([
      payWallet(walletId, { notify: true }),
      payCip(cip, { notify: true }),
    ]);
    expect([wallet.status, cash.status]).toEqual([200, 200]);
    await expectOnePaymentOneDouble(order.id, 'any');
  });

  it.each([
    ['the wallet notification first', 'wallet'],
    ['the CIP notification first', 'cash'],
  ] as const)('both paid, %s: the first applied, the second a double payment', async (_, first) => {
    const { order, walletId, cip } = await newOrder();
    const wallet = await payWallet(walletId, { notify: false });
    const cash = await payCip(cip, { notify: false });
    const deliverWallet = () => deliverCulqiEvent(walletId, wallet.body.orderId);
    const deliverCash = () => deliverCipNotification(cip, cash.body.operationNumber);
    expect((await (first === 'wallet' ? deliverWallet() : deliverCash())).status).toBe(200);
    const paid = await eventually(async () => {
      const current = await getOrder(order.id);
      return current.status === 'PAID' ? current : undefined;
    });
    expect(paid.payment?.optionId ?? null).toBe(first === 'wallet' ? walletId : null);
    expect((await (first === 'wallet' ? deliverCash() : deliverWallet())).status).toBe(200);
    await expectOnePaymentOneDouble(
      order.id,
      first === 'wallet' ? (order.paymentOptions[0]?.id ?? '') : walletId,
    );
  });

  it('both paid with every notification duplicated: nothing applied twice', async () => {
    const { order, walletId, cip } = await newOrder();
    await payWallet(walletId, { notify: true, copies: 3 });
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID' ? true : undefined));
    await payCip(cip, { notify: true, copies: 3, ignoreDeletion: true });
    const after = await expectOnePaymentOneDouble(order.id, order.paymentOptions[0]?.id ?? '');
    expect(after.payment?.optionId).toBe(walletId);
  });
});

describe('a lost notification found by polling (decision 99)', () => {
  it("sync-pending finds a wallet paid without notification, applies it as the order's payment and deletes the CIP; its late notification changes nothing", async () => {
    const { order, walletId, cip } = await newOrder();
    const wallet = await payWallet(walletId, { notify: false });
    expect(wallet.status).toBe(200);
    const run = await runJob('sync-pending');
    expect(run.status).toBe(200);
    const paid = await getOrder(order.id);
    expect(paid.status).toBe('PAID');
    expect(paid.payment).toMatchObject({ optionId: walletId, source: 'poll', amount: AMOUNT });
    const deleted = await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    expect(deleted.status).toBe('deleted');
    // The notification was only late: it finds the payment applied by the poll.
    await deliverCulqiEvent(walletId, wallet.body.orderId);
    await runJob('sync-pending');
    const after = await getOrder(order.id);
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect(await doublePayments(order.id)).toHaveLength(0);
    const reasons = await journalReasons(order.id);
    expect(reasons.filter((reason) => reason === 'payment')).toHaveLength(1);
    expect(reasons).not.toContain('unmatched_payment');
    expect((await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN')).body.total).toBe(0);
    // The fulfilment gate goes by the order: paid by its wallet, it may ship.
    const fulfilled = await api<OrderView>('POST', `/v1/orders/${order.id}/fulfil`);
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body).toMatchObject({ status: 'FULFILLED', payment: { optionId: walletId } });
  });

  it('the CIP paid without notification just before the wallet paid the order: the refused deletion is read back and the CIP payment becomes a double payment', async () => {
    const { order, walletId, cip } = await newOrder();
    expect((await payCip(cip, { notify: false })).status).toBe(200);
    expect((await payWallet(walletId, { notify: true })).status).toBe(200);
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID' ? true : undefined));
    // No notification will come for the CIP: the next sync-pending run finds its payment.
    expect(await doublePayments(order.id)).toHaveLength(0);
    await runJob('sync-pending');
    const after = await expectOnePaymentOneDouble(order.id, order.paymentOptions[0]?.id ?? '');
    expect(after.payment?.optionId).toBe(walletId);
    const [anomaly] = await doublePayments(order.id);
    expect(anomaly).toMatchObject({ cip, source: 'poll' });
  });

  it('the wallet paid without notification just before the CIP paid the order: the refused cancellation is read back and the wallet payment becomes a double payment', async () => {
    const { order, walletId, cip } = await newOrder();
    expect((await payWallet(walletId, { notify: false })).status).toBe(200);
    expect((await payCip(cip, { notify: true })).status).toBe(200);
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID' ? true : undefined));
    expect(await doublePayments(order.id)).toHaveLength(0);
    await runJob('sync-pending');
    const after = await expectOnePaymentOneDouble(order.id, walletId);
    expect(after.payment?.optionId).toBeUndefined();
    const [anomaly] = await doublePayments(order.id);
    expect(anomaly).toMatchObject({ optionId: walletId, source: 'poll' });
  });
});

describe('the expirer and cancellation consider every option (decision 99)', () => {
  it('the final check finds a wallet paid whose notification was lost: the order is PAID, not expired', async () => {
    const { order, walletId } = await newOrder();
    expect((await payWallet(walletId, { notify: false })).status).toBe(200);
    // Past the deadline and the grace, with sync-pending not yet run: only the final check is left.
    await pastDeadline(order);
    const run = await runJob('expire-orders');
    expect(run.status).toBe(200);
    const after = await getOrder(order.id);
    expect(after.status).toBe('PAID');
    expect(after.payment).toMatchObject({ optionId: walletId, source: 'poll' });
  });

  it('an order expired unpaid has its wallet order closed at the provider, like its CIP', async () => {
    const { order, walletId, cip } = await newOrder();
    await pastDeadline(order);
    await runJob('expire-orders');
    expect((await getOrder(order.id)).status).toBe('EXPIRED');
    const cash = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${cip}`);
    expect(cash.body.status).toBe('deleted');
    // The wallet order shares the order's deadline, so Culqi has expired it too and refuses the
    // deletion; the closure written with the expiry records that, and sync-pending settles it.
    const closure = await getClosure(walletId);
    expect(closure?.method).toBe('wallet');
    expect(closure?.attempts.map((attempt) => attempt.outcome)).toContain('not_cancellable');
    await runJob('sync-pending');
    const settled = await getClosure(walletId);
    expect(settled?.state).toBe('closed');
    expect(settled?.attempts.at(-1)?.outcome).toBe('expired at the provider');
    const wallet = await sandbox<{ state: string }>('GET', `/_sandbox/wallets/${walletId}`);
    expect(wallet.body.state).toBe('expired');
  });

  it('cancelling deletes the wallet order too, and refuses while the wallet has just been paid', async () => {
    const { order, walletId } = await newOrder();
    const cancelled = await api<OrderView>('POST', `/v1/orders/${order.id}/cancel`);
    expect(cancelled.status).toBe(200);
    const wallet = await sandbox<{ state: string }>('GET', `/_sandbox/wallets/${walletId}`);
    expect(wallet.body.state).toBe('deleted');

    const paidMeanwhile = await newOrder();
    expect((await payWallet(paidMeanwhile.walletId, { notify: false })).status).toBe(200);
    const refused = await api<{ code: string }>('POST', `/v1/orders/${paidMeanwhile.order.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('wallet_order_not_cancellable');
  });

  it('a cancel retried after an attempt died past the wallet deletion cancels the order', async () => {
    const { order, walletId } = await newOrder();
    // What the dead attempt got done before its commit: Culqi deleted the wallet order.
    const walletOrder = await sandbox<{ id: string }>('GET', `/_sandbox/wallets/${walletId}`);
    const deleted = await http('DELETE', `${stack().sandboxUrl}/culqi/v2/orders/${walletOrder.body.id}`, {
      headers: { authorization: `Bearer ${DEFAULT_CULQI_SANDBOX.secretKey}` },
    });
    expect(deleted.status).toBe(200);
    // Culqi refuses to delete it again, as it refuses a paid one; its state tells them apart.
    const retried = await api<OrderView>('POST', `/v1/orders/${order.id}/cancel`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('CANCELLED');
    expect((await sandbox<{ state: string }>('GET', `/_sandbox/wallets/${walletId}`)).body.state).toBe(
      'deleted',
    );
  });
});

describe('a signed Culqi event naming an order Culqi does not know (decision 133)', () => {
  it('is acknowledged, applies nothing and leaves one unknown_wallet_order anomaly', async () => {
    const { order, walletId } = await newOrder();
    // The right pair and a real option id, but an order id Culqi has never issued (another
    // account's order, or a body made up by whoever holds the pair).
    const providerRef = `ord_live_${Date.now().toString(36)}unknown`;
    const delivered = await deliverCulqiEvent(walletId, providerRef);
    expect(delivered.status).toBe(200);
    const anomaly = await eventually(async () => {
      const { body } = await api<{ items: (Anomaly & { provider?: string; detail: string })[] }>(
        'GET',
        '/v1/anomalies?type=unknown_wallet_order&limit=100',
      );
      return body.items.find((item) => item.detail.includes(providerRef));
    });
    expect(anomaly.provider).toBe('culqi');
    // Only Culqi's own answer moves money: the order still waits, its wallet option still open.
    const after = await getOrder(order.id);
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.paymentOptions.find((option) => option.id === walletId)?.status).toBe('open');
  });
});
