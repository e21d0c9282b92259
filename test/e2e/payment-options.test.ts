import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import type { Anomaly } from '#model/anomaly';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import type { Refund } from '#model/refund';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { DEFAULT_CULQI_SANDBOX } from '../../local/sandbox/server';
import { api, eventually, http, orderRequest, sandbox, stack } from '../support/api';
import { requesterKey } from '../support/keys';

type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };
type Problem = { status: number; code: string; detail: string };
type AnomalyView = Anomaly;
type SellerBalances = { balances: { currency: string; pending: number; available: number }[] };

/** A journal entry's lines by account, as stored. */
async function journalLines(entryId: string): Promise<Record<string, number>> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: journalEntryEntity.key(entryId), ConsistentRead: true }),
  );
  const lines = (Item?.lines ?? []) as { account: string; amount: number }[];
  return Object.fromEntries(lines.map((line) => [line.account, line.amount]));
}

/** Every refund waiting for approval (what the console's Reembolsos screen lists), page by page. */
async function requestedIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const { body } = await api<{ items: Refund[]; nextCursor: string | null }>(
      'GET',
      `/v1/refunds?status=REQUESTED&limit=100${query}`,
    );
    ids.push(...body.items.map((refund) => refund.id));
    cursor = body.nextCursor;
    if (cursor === null) break;
  }
  return ids;
}

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

    // A mistyped control is refused, naming it, and pays nothing (a string `copies` used to be ignored).
    const refused = await sandbox<{ code: string; errors: { field: string }[] }>(
      'POST',
      `/_sandbox/wallets/${qr?.id}/pay`,
      { copies: '2', ignoreExpiri: true },
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors.map((error) => error.field).sort()).toEqual(['copies', 'ignoreExpiri']);
    expect((await api<OrderView>('GET', `/v1/orders/${order.id}`)).body.status).toBe('PENDING_PAYMENT');
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

  it("issue 30's Done when: a CIP paid after the wallet paid the order is one double payment with one wallet refund proposal; the system cannot approve it, a person does, Culqi's refund API pays it, the anomaly is resolved, the ledger balances", async () => {
    // A seller of its own: its balance shows that the refund never touches the sellers.
    const sellerId = `seller-dp-${randomUUID().slice(0, 8)}`;
    const body = request(12_000, ['cash', 'wallet']);
    const created = await api<OrderView>('POST', '/v1/orders', {
      body: { ...body, splits: [{ sellerId, amount: 12_000, fee: 1_200 }] },
    });
    const order = created.body;
    const qr = wallet(order);
    await sandbox('POST', `/_sandbox/wallets/${qr?.id}/pay`, { notify: true });
    await paidOrder(order.id);
    await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    const sellerBefore = (await api<SellerBalances>('GET', `/v1/sellers/${sellerId}/balance`)).body.balances;
    expect(sellerBefore).toEqual([expect.objectContaining({ currency: 'PEN', pending: 10_800 })]);
    // The buyer paid at an agent as the deletion landed; the notification comes twice.
    const cash = await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {
      notify: true,
      copies: 2,
      ignoreDeletion: true,
    });
    expect(cash.status).toBe(200);
    const ofOrder = async () =>
      (
        await api<{ items: AnomalyView[] }>('GET', '/v1/anomalies?type=double_payment&limit=100')
      ).body.items.filter((item) => item.orderId === order.id);
    const [anomaly] = await eventually(async () => {
      const found = await ofOrder();
      return found[0]?.refundId ? found : undefined;
    });
    expect(anomaly).toMatchObject({ type: 'double_payment', amount: 12_000, cip: order.voucher.cip });
    const after = (await api<OrderView>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.status).toBe('PAID');
    expect(after.payment?.optionId).toBe(qr?.id);
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);

    // Exactly one proposal, by the system, waiting for a person: back to the wallet through Culqi.
    const refunds = (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body.items;
    expect(refunds).toHaveLength(1);
    const [proposal] = refunds as [Refund];
    expect(proposal).toMatchObject({
      id: anomaly?.refundId,
      status: 'REQUESTED',
      amount: 12_000,
      reason: 'duplicate_payment',
      anomalyId: anomaly?.id,
      refundFee: false,
      allocations: [],
      requestedBy: { principal: 'system:double-payment' },
      destination: { type: 'wallet_payment', provider: 'culqi', optionId: qr?.id },
    });
    expect(proposal.note).toContain('Double payment');
    expect(proposal.destination.type === 'wallet_payment' && proposal.destination.chargeId).toMatch(/^chr_/);
    // The console's Reembolsos screen lists what GET /v1/refunds?status=REQUESTED answers.
    expect(await requestedIds()).toContain(proposal.id);
    // The duplicated notification did not make a second anomaly or proposal.
    expect(await ofOrder()).toHaveLength(1);

    // Its requester cannot approve it: not even a key held by the system's principal.
    const system = await requesterKey('system:double-payment');
    const self = await api<Problem>('POST', `/v1/refunds/${proposal.id}/approve`, { headers: system });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('approver_must_differ');

    // A person with the approve scope approves it: Culqi's refund API pays it at once.
    const approved = await api<Refund>('POST', `/v1/refunds/${proposal.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('PAID_OUT');
    const paidOut = approved.body.history.at(-1);
    expect(paidOut).toMatchObject({ status: 'PAID_OUT', by: { keyId: 'provider:culqi' } });
    expect(paidOut?.transferReference).toMatch(/^ref_/);
    const atCulqi = await sandbox<{ refunds: { id: string; amount: number; reason: string }[] }>(
      'GET',
      `/_sandbox/wallets/${qr?.id}`,
    );
    expect(atCulqi.body.refunds).toEqual([
      { id: paidOut?.transferReference, amount: 12_000, reason: 'duplicado' },
    ]);
    const again = await api<Problem>('POST', `/v1/refunds/${proposal.id}/approve`);
    expect(again.status).toBe(409);

    const [resolved] = await ofOrder();
    expect(resolved?.resolvedAt).toBeDefined();
    expect(resolved?.resolution).toContain(proposal.id);
    // The order keeps one payment; the sellers are as they were; the money left suspense and Culqi.
    const final = (await api<OrderView>('GET', `/v1/orders/${order.id}`)).body;
    expect(final.status).toBe('PAID');
    expect(final.refundedAmount ?? 0).toBe(0);
    expect(final.refundReserved ?? 0).toBe(0);
    expect((await api<SellerBalances>('GET', `/v1/sellers/${sellerId}/balance`)).body.balances).toEqual(
      sellerBefore,
    );
    expect(await journalLines(`refund_approved:${proposal.id}`)).toEqual({
      suspense: 12_000,
      refunds_payable: -12_000,
    });
    expect(await journalLines(`refund_paid_out:${proposal.id}`)).toEqual({
      refunds_payable: 12_000,
      psp_receivable: -12_000,
    });
    const balance = await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN');
    expect(balance.body.total).toBe(0);
  });

  it('a double payment refund Culqi refuses stays APPROVED (approve retries the call); nobody marks it paid by hand; marked failed, its approval is reversed and the anomaly stays open', async () => {
    const order = (await api<OrderView>('POST', '/v1/orders', { body: request(9_000, ['cash', 'wallet']) }))
      .body;
    const qr = wallet(order);
    const paid = await sandbox<{ chargeId: string }>('POST', `/_sandbox/wallets/${qr?.id}/pay`, {
      notify: true,
    });
    await paidOrder(order.id);
    await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify: true, ignoreDeletion: true });
    const proposal = await eventually(async () => {
      const { items } = (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body;
      return items[0];
    });
    // Someone refunded the charge in CulqiPanel meanwhile: Culqi refuses a second refund of it.
    const byHand = await http('POST', `${stack().sandboxUrl}/culqi/v2/refunds`, {
      headers: { authorization: `Bearer ${DEFAULT_CULQI_SANDBOX.secretKey}` },
      body: { charge_id: paid.body.chargeId, amount: 9_000, reason: 'solicitud_comprador' },
    });
    expect(byHand.status).toBe(201);
    const refused = await api<Problem>('POST', `/v1/refunds/${proposal.id}/approve`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('psp_rejected');
    const waiting = (await api<Refund>('GET', `/v1/refunds/${proposal.id}`)).body;
    expect(waiting.status).toBe('APPROVED');
    // Approving again asks Culqi again (and is refused again): the call is retried, not lost.
    expect((await api<Problem>('POST', `/v1/refunds/${proposal.id}/approve`)).body.code).toBe('psp_rejected');
    const byPerson = await api<Problem>('POST', `/v1/refunds/${proposal.id}/mark-paid`, {
      body: { transferReference: 'T-1', paidAt: new Date().toISOString() },
    });
    expect(byPerson.status).toBe(409);
    expect(byPerson.body.code).toBe('provider_refund');
    const failed = await api<Refund>('POST', `/v1/refunds/${proposal.id}/mark-failed`, {
      body: { reason: 'Culqi refused: the charge was refunded in CulqiPanel already.' },
    });
    expect(failed.body.status).toBe('FAILED');
    expect(await journalLines(`refund_failed:${proposal.id}`)).toEqual({
      suspense: -9_000,
      refunds_payable: 9_000,
    });
    const anomaly = (
      await api<{ items: AnomalyView[] }>('GET', '/v1/anomalies?type=double_payment&limit=100')
    ).body.items.find((item) => item.orderId === order.id);
    expect(anomaly).toMatchObject({ refundId: proposal.id });
    expect(anomaly?.resolvedAt).toBeUndefined();
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
