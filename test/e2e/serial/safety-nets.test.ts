import { describe, expect, it } from 'vitest';
import type { ExpirySummary } from '#jobs/expire-orders';
import type { SyncSummary } from '#jobs/sync-pending';
import type { Order } from '#model/order';
import {
  api,
  bankDestination as destination,
  eventually,
  orderRequest,
  sandbox,
  stackNow,
} from '../../support/api';
import { requesterKey } from '../../support/keys';
import { paidBody, postNotification } from '../../support/notifications';
import { importReport, report } from '../../support/settlements';

type Problem = { status: number; code: string; detail: string };
/** A 200 carries the order (status is its status), a 409 the problem (status is 409). */
type OrderOrProblem = { status: string | number; code?: string; detail?: string; orderStatus?: string };

const createOrder = async (expiresInMinutes = 1440) =>
  (await api<Order>('POST', '/v1/orders', { body: orderRequest({ expiresInMinutes }) })).body;
const getOrder = async (id: string) => (await api<Order>('GET', `/v1/orders/${id}`)).body;
const runJob = async <T>(name: string) =>
  (await api<T>('POST', `/_local/jobs/${name}`, { auth: false })).body;
/** Past a 10-minute order's expiry plus the local grace (30 s). */
const passExpiry = () => api('POST', '/_local/clock', { body: { advanceSeconds: 11 * 60 }, auth: false });

describe('sync-pending', () => {
  it('recovers a payment whose notification was lost, in one pass', async () => {
    const order = await createOrder();
    const paid = await sandbox<{ operationNumber: string; deliveries: unknown[] }>(
      'POST',
      `/_sandbox/cips/${order.voucher.cip}/pay`,
      { notify: false },
    );
    expect(paid.body.deliveries).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');

    const summary = await runJob<SyncSummary>('sync-pending');
    expect(summary.paid).toBeGreaterThanOrEqual(1);
    expect(summary.pspCalls).toBeGreaterThanOrEqual(1);
    const recovered = await getOrder(order.id);
    expect(recovered.status).toBe('PAID');
    expect(recovered.payment).toMatchObject({ source: 'poll', operationNumber: null, amount: order.amount });
    expect(recovered.history.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'PAID', source: 'poll' });

    // The notification finally arrives, late: it is the same payment, not a duplicate.
    const late = paidBody({
      cip: order.voucher.cip,
      operationNumber: paid.body.operationNumber,
      amount: 150,
      paidAt: await stackNow(),
    });
    expect((await postNotification(late)).status).toBe(200);
    // It completes the polled payment with its operation number (for settlement), and is not a transition.
    const after = await eventually(async () => {
      const current = await getOrder(order.id);
      return current.payment?.operationNumber ? current : undefined;
    });
    expect(after.payment).toMatchObject({ operationNumber: paid.body.operationNumber, source: 'poll' });
    expect(after.version).toBe(recovered.version);
    expect(after.status).toBe('PAID');
    const duplicates = await api<{ items: { cip: string }[] }>(
      'GET',
      '/v1/anomalies?type=duplicate_payment&limit=100',
    );
    expect(duplicates.body.items.map((item) => item.cip)).not.toContain(order.voucher.cip);
  });
});

describe('a payment held as an amount mismatch (outside test 9, decision 134)', () => {
  it('is not applied again when polling or the final check sees its CIP paid: the order expires unpaid, its cash in suspense once', async () => {
    const order = await createOrder(10);
    // The buyer paid S/ 100.00 of a S/ 150.00 voucher (the README's mismatch rehearsal).
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { amount: 100 });
    const mismatch = await eventually(async () => {
      const { body } = await api<{ items: { id: string; cip: string; amount: number }[] }>(
        'GET',
        '/v1/anomalies?type=amount_mismatch&limit=100',
      );
      return body.items.find((item) => item.cip === order.voucher.cip);
    });
    expect(mismatch.amount).toBe(10_000);
    // The sandbox's search says the CIP is paid (as PagoEfectivo's would): the same payment.
    await runJob<SyncSummary>('sync-pending');
    expect(await getOrder(order.id)).toMatchObject({ status: 'PENDING_PAYMENT' });
    await passExpiry();
    await runJob<ExpirySummary>('expire-orders');
    // Never paid (its cash is the anomaly's, for a person to refund or settle): expired at its deadline.
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'EXPIRED' });
    expect(after.payment).toBeUndefined();
    // Nothing shipped on it, and no second anomaly for the same cash.
    expect((await api<Problem>('POST', `/v1/orders/${order.id}/fulfil`)).body.code).toBe('invalid_status');
    const { body } = await api<{ items: { cip: string }[] }>('GET', '/v1/anomalies?limit=100');
    expect(body.items.filter((item) => item.cip === order.voucher.cip)).toHaveLength(1);
  });
});

describe('a payment booked by polling that its notification contradicts (outside test 11, decision 137)', () => {
  const balance = async (sellerId: string) =>
    (await api<{ balances: { pending: number }[] }>('GET', `/v1/sellers/${sellerId}/balance`)).body
      .balances[0];

  /** An order whose buyer paid S/ 50.00 of S/ 150.00, found by polling (booked at S/ 150.00). */
  async function polledUnderpaid() {
    const order = await createOrder();
    const { cip } = order.voucher;
    const paid = await sandbox<{ operationNumber: string }>('POST', `/_sandbox/cips/${cip}/pay`, {
      notify: false,
      amount: 50,
    });
    await runJob<SyncSummary>('sync-pending');
    return { order, cip, operationNumber: paid.body.operationNumber };
  }

  it.each([
    {
      contradiction: 'amount',
      pay: { amount: 50 },
      said: { amount: 50, currency: 'PEN' },
      type: 'amount_mismatch',
    },
    {
      contradiction: 'currency',
      pay: { currency: 'USD' },
      said: { amount: 150, currency: 'USD' },
      type: 'currency_mismatch',
    },
  ])(
    'is contested by a notification naming another $contradiction: an anomaly, nothing moved, no fulfilment until a person resolves it',
    async ({ pay, said, type }) => {
      const order = await createOrder();
      const paid = await sandbox<{ operationNumber: string }>(
        'POST',
        `/_sandbox/cips/${order.voucher.cip}/pay`,
        {
          notify: false,
          ...pay,
        },
      );
      await runJob<SyncSummary>('sync-pending');
      // PagoEfectivo's search names the voucher's own amount: booked at S/ 150.00, by polling.
      const polled = await getOrder(order.id);
      expect(polled).toMatchObject({
        status: 'PAID',
        payment: { source: 'poll', amount: 15_000, operationNumber: null },
      });
      const before = await balance('seller-a');

      // The provider's signed notification of that operation says otherwise; sent twice (a redelivery).
      const notification = paidBody({
        cip: order.voucher.cip,
        operationNumber: paid.body.operationNumber,
        ...said,
        paidAt: await stackNow(),
      });
      await postNotification(notification);
      await postNotification(notification);
      const anomalyId = `${type}:${order.voucher.cip}:${paid.body.operationNumber}`;
      const contested = await eventually(async () => {
        const current = await getOrder(order.id);
        return current.payment?.contested ? current : undefined;
      });
      expect(contested.payment?.contested).toMatchObject({
        operationNumber: paid.body.operationNumber,
        amount: said.amount * 100,
        currency: said.currency,
        anomalyId,
      });
      const anomaly = await eventually(async () => {
        const { body } = await api<{ items: { id: string; orderId?: string }[] }>(
          'GET',
          `/v1/anomalies?type=${type}&status=open&limit=100`,
        );
        return body.items.find((item) => item.id === anomalyId);
      });
      expect(anomaly.orderId).toBe(order.id);
      // Nothing moved: still PAID as booked, the sellers' money as it was, one contest event.
      expect(contested).toMatchObject({ status: 'PAID', payment: { amount: 15_000, currency: 'PEN' } });
      expect(await balance('seller-a')).toEqual(before);
      const contestEvents = async () =>
        (
          await api<{ items: { data: { id: string } }[] }>(
            'GET',
            '/v1/events?type=order.payment_contested&limit=100',
          )
        ).body.items.filter((event) => event.data.id === order.id);
      await eventually(async () => ((await contestEvents()).length > 0 ? true : undefined));
      expect(await contestEvents()).toHaveLength(1);

      // It holds no cash of its own (the payment's is booked to the sellers): not refunded by naming it.
      const drawn = await api<Problem>('POST', `/v1/orders/${order.id}/refunds`, {
        body: { amount: said.amount * 100, reason: 'other', anomalyId, destination },
      });
      expect(drawn.body).toMatchObject({ status: 409, code: 'anomaly_not_refundable' });
      // Refunded through the order, it waits for a second person whatever the amount (outside test 12).
      const asked = await api<{ status: string }>('POST', `/v1/orders/${order.id}/refunds`, {
        body: { amount: 1_000, reason: 'other', destination },
        headers: await requesterKey(),
      });
      expect(asked.body.status).toBe('REQUESTED');
      const refused = await api<Problem & { anomalyId: string }>('POST', `/v1/orders/${order.id}/fulfil`);
      expect(refused.body).toMatchObject({ status: 409, code: 'payment_contested', anomalyId });
      const resolution = 'PagoEfectivo confirmed S/ 150.00 was collected (ticket 5521).';
      const resolved = await api('POST', `/v1/anomalies/${encodeURIComponent(anomalyId)}/resolve`, {
        body: { resolution },
      });
      expect(resolved.status).toBe(200);
      expect((await api<Order>('POST', `/v1/orders/${order.id}/fulfil`)).body.status).toBe('FULFILLED');
    },
  );
  it("settles a contested payment's lines without booking the same arrival twice: its true amount is flagged, then its booked amount settles the order (outside test 12)", async () => {
    const { order, cip, operationNumber } = await polledUnderpaid();
    await postNotification(
      paidBody({ cip, operationNumber: operationNumber, amount: 50, paidAt: await stackNow() }),
    );
    await eventually(async () => ((await getOrder(order.id)).payment?.contested ? true : undefined));
    type Line = { outcome: string; detail: string; suspenseAnomalyId?: string };
    const linesOf = async (id: string) =>
      (await api<{ items: Line[] }>('GET', `/v1/settlements/${id}/lines`)).body.items;

    // PagoEfectivo settles S/ 50.00: flagged, and nothing booked against suspense (the contest holds none).
    const atTrueAmount = await importReport(
      (await report({ only: [cip], faults: { amount: { [cip]: '50.00' } } })).bytes,
    );
    expect(atTrueAmount.status, JSON.stringify(atTrueAmount.body)).toBe(201);
    const [flagged] = await linesOf(atTrueAmount.body.id);
    expect(flagged).toMatchObject({ outcome: 'amount_mismatch' });
    expect(flagged?.suspenseAnomalyId).toBeUndefined();
    expect(flagged?.detail).not.toContain('held in suspense');
    // A later report lists it at the booked S/ 150.00: the order settles, once.
    const atBooked = await importReport((await report({ only: [cip], faults: { resettle: [cip] } })).bytes);
    expect(atBooked.status, JSON.stringify(atBooked.body)).toBe(201);
    expect((await linesOf(atBooked.body.id))[0]).toMatchObject({ outcome: 'matched' });
    expect((await getOrder(order.id)).settlement).toMatchObject({ id: atBooked.body.id });
    const integrity = await api<{ status: string; report?: { ok: boolean; differenceCount: number } }>(
      'POST',
      '/_local/jobs/ledger-integrity',
      { body: { newPass: true }, auth: false },
    );
    expect(integrity.body).toMatchObject({ status: 'completed', report: { ok: true, differenceCount: 0 } });
  });

  it('holds the goods until every contest of the operation is resolved: amount, then currency (outside test 12)', async () => {
    const { order, cip, operationNumber } = await polledUnderpaid();
    const said = { cip, operationNumber: operationNumber, paidAt: await stackNow() };
    await postNotification(paidBody({ ...said, amount: 50 }));
    const byAmount = `amount_mismatch:${cip}:${operationNumber}`;
    await eventually(async () =>
      (await getOrder(order.id)).payment?.contested?.anomalyId === byAmount ? true : undefined,
    );
    await postNotification(paidBody({ ...said, amount: 50, currency: 'USD' }));
    const byCurrency = `currency_mismatch:${cip}:${operationNumber}`;
    await eventually(async () =>
      (await getOrder(order.id)).payment?.contested?.anomalyId === byCurrency ? true : undefined,
    );
    const resolve = (id: string) =>
      api('POST', `/v1/anomalies/${encodeURIComponent(id)}/resolve`, {
        body: { resolution: 'Checked with PagoEfectivo.' },
      });
    expect((await resolve(byCurrency)).status).toBe(200);
    // The order names the latest contest; the amount's is still open, and still holds the goods.
    const refused = await api<Problem & { anomalyId: string }>('POST', `/v1/orders/${order.id}/fulfil`);
    expect(refused.body).toMatchObject({ status: 409, code: 'payment_contested', anomalyId: byAmount });
    expect((await resolve(byAmount)).status).toBe(200);
    expect((await api<Order>('POST', `/v1/orders/${order.id}/fulfil`)).body.status).toBe('FULFILLED');
  });

  it('ties the contesting operation to the polled payment: another operation is a second payment in suspense, and redeliveries announce nothing again (outside test 13)', async () => {
    const { order, cip, operationNumber: own } = await polledUnderpaid();
    const at = await stackNow();
    const byAmount = paidBody({ cip, operationNumber: own, amount: 50, paidAt: at });
    const byCurrency = paidBody({ cip, operationNumber: own, amount: 50, currency: 'USD', paidAt: at });
    for (const body of [byAmount, byCurrency, byAmount, byCurrency]) {
      await postNotification(body);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const contests = async () =>
      (
        await api<{ items: { data: { id: string } }[] }>(
          'GET',
          '/v1/events?type=order.payment_contested&limit=100',
        )
      ).body.items.filter((event) => event.data.id === order.id);
    await eventually(async () => ((await contests()).length >= 2 ? true : undefined));
    const contested = await getOrder(order.id);
    // The provider named the payment's operation: it is the order's now.
    expect(contested.payment?.operationNumber).toBe(own);

    // Another operation of the CIP, at the voucher's amount: the buyer paid twice, held apart.
    const second = String(740_000_000 + Math.floor(Math.random() * 9_999_999));
    await postNotification(paidBody({ cip, operationNumber: second, amount: 150, paidAt: at }));
    const duplicate = await eventually(async () => {
      const { body } = await api<{ items: { id: string; heldInSuspense?: boolean }[] }>(
        'GET',
        '/v1/anomalies?type=duplicate_payment&limit=100',
      );
      return body.items.find((item) => item.id === `duplicate_payment:${cip}:${second}`);
    });
    expect(duplicate.heldInSuspense).toBe(true);
    expect((await getOrder(order.id)).payment?.operationNumber).toBe(own);
    // Two contests, two announcements: the redeliveries added none (the feed holds back its newest 3 s).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await contests()).toHaveLength(2);
  });

  it('holds a late payment the same way: its notified operation said again at another amount is contested, and not accepted until resolved', async () => {
    const order = await createOrder();
    expect((await api<Order>('POST', `/v1/orders/${order.id}/cancel`)).body.status).toBe('CANCELLED');
    const operationNumber = 730_000_000 + Math.floor(Math.random() * 9_999_999);
    const late = { cip: order.voucher.cip, operationNumber, paidAt: await stackNow() };
    await postNotification(paidBody({ ...late, amount: 150 }));
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID_LATE' ? true : undefined));
    // The same operation, said again at S/ 100.00.
    await postNotification(paidBody({ ...late, amount: 100 }));
    const anomalyId = `amount_mismatch:${order.voucher.cip}:${operationNumber}`;
    const contested = await eventually(async () => {
      const current = await getOrder(order.id);
      return current.payment?.contested ? current : undefined;
    });
    expect(contested).toMatchObject({
      status: 'PAID_LATE',
      payment: { amount: 15_000, contested: { amount: 10_000, anomalyId } },
    });
    const refused = await api<Problem & { anomalyId: string }>(
      'POST',
      `/v1/orders/${order.id}/accept-late-payment`,
    );
    expect(refused.body).toMatchObject({ status: 409, code: 'payment_contested', anomalyId });
    await api('POST', `/v1/anomalies/${encodeURIComponent(anomalyId)}/resolve`, {
      body: { resolution: 'PagoEfectivo confirmed S/ 150.00 (ticket 5530).' },
    });
    expect((await api<Order>('POST', `/v1/orders/${order.id}/accept-late-payment`)).body.status).toBe('PAID');
  });
});

describe('expire-orders', () => {
  it('applies a payment found by the final check instead of expiring', async () => {
    const order = await createOrder(10);
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify: false });
    await passExpiry();
    const summary = await runJob<ExpirySummary>('expire-orders');
    expect(summary.paid).toBeGreaterThanOrEqual(1);
    const after = await getOrder(order.id);
    expect(after.status).toBe('PAID');
    expect(after.payment?.source).toBe('poll');
  });

  it('expires an unpaid order, deletes its CIP, and a late payment makes it PAID_LATE', async () => {
    const order = await createOrder(10);
    const notYet = await runJob<ExpirySummary>('expire-orders');
    expect(notYet.examined).toBe(0);
    await passExpiry();
    const summary = await runJob<ExpirySummary>('expire-orders');
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    const expired = await getOrder(order.id);
    expect(expired.status).toBe('EXPIRED');
    expect(expired.history.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'EXPIRED',
      source: 'expiry',
    });
    expect(
      (await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`)).body.status,
    ).toBe('deleted');

    await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: 5_550_001, amount: 150, paidAt: await stackNow() }),
    );
    const late = await eventually(async () => {
      const current = await getOrder(order.id);
      return current.status === 'PAID_LATE' ? current : undefined;
    });
    expect(late.payment?.operationNumber).toBe('5550001');
  });

  it('never loses a payment to a racing expiry: every order ends PAID or PAID_LATE, paid once', async () => {
    const orders = await Promise.all(Array.from({ length: 12 }, () => createOrder(10)));
    await passExpiry();
    const paidAt = await stackNow();
    // Notifications (the PSP still says "generated": the money arrives just as we expire) and
    // two concurrent expiry passes, all at once.
    await Promise.all([
      ...orders.map((order, i) =>
        postNotification(
          paidBody({ cip: order.voucher.cip, operationNumber: 6_600_000 + i, amount: 150, paidAt }),
        ),
      ),
      runJob('expire-orders'),
      runJob('expire-orders'),
    ]);
    const settled = await eventually(async () => {
      const current = await Promise.all(orders.map((order) => getOrder(order.id)));
      return current.every((order) => order.status === 'PAID' || order.status === 'PAID_LATE')
        ? current
        : undefined;
    }, 20_000);
    for (const [i, order] of settled.entries()) {
      expect(order.payment?.operationNumber).toBe(String(6_600_000 + i));
      const paidTransitions = order.history.filter(
        (entry) => entry.to === 'PAID' || entry.to === 'PAID_LATE',
      );
      expect(paidTransitions).toHaveLength(1);
      if (order.status === 'PAID_LATE') expect(order.history.map((entry) => entry.to)).toContain('EXPIRED');
      else expect(order.history.map((entry) => entry.to)).not.toContain('EXPIRED');
    }
  });
});

describe('fulfilment gate', () => {
  const fulfil = (id: string) => api<OrderOrProblem>('POST', `/v1/orders/${id}/fulfil`);

  it('refuses anything that is not PAID, saying why', async () => {
    const pending = await createOrder();
    const refusedPending = await fulfil(pending.id);
    expect(refusedPending.status).toBe(409);
    expect(refusedPending.body).toMatchObject({ code: 'invalid_status', orderStatus: 'PENDING_PAYMENT' });
    expect(refusedPending.body.detail).toMatch(/not paid/);

    const cancelled = await createOrder();
    await api('POST', `/v1/orders/${cancelled.id}/cancel`);
    expect((await fulfil(cancelled.id)).status).toBe(409);

    const expired = await createOrder(10);
    await passExpiry();
    await runJob('expire-orders');
    expect((await getOrder(expired.id)).status).toBe('EXPIRED');
    expect((await fulfil(expired.id)).body.detail).toMatch(/expired/);

    await postNotification(
      paidBody({
        cip: cancelled.voucher.cip,
        operationNumber: 7_700_001,
        amount: 150,
        paidAt: await stackNow(),
      }),
    );
    await eventually(async () => ((await getOrder(cancelled.id)).status === 'PAID_LATE' ? true : undefined));
    const refusedLate = await fulfil(cancelled.id);
    expect(refusedLate.status).toBe(409);
    expect(refusedLate.body.detail).toMatch(/accept/);
  });

  it('refuses an order whose whole payment is being refunded, and releases it again once that refund is rejected (decision 134)', async () => {
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID' ? true : undefined));
    const refund = await api<{ id: string; status: string }>('POST', `/v1/orders/${order.id}/refunds`, {
      headers: await requesterKey(),
      body: { amount: order.amount, reason: 'return', destination },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const refused = await fulfil(order.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('refund_in_progress');
    if (refund.body.status === 'REQUESTED') {
      await api('POST', `/v1/refunds/${refund.body.id}/reject`, {
        body: { reason: 'El cliente se quedó con el pedido.' },
      });
    } else {
      await api('POST', `/v1/refunds/${refund.body.id}/mark-failed`, { body: { reason: 'Cuenta cerrada.' } });
    }
    expect((await fulfil(order.id)).body.status).toBe('FULFILLED');
  });

  it('releases a PAID order once, and a fulfilled order can be neither cancelled nor expired', async () => {
    const order = await createOrder(10);
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID' ? true : undefined));
    const fulfilled = await fulfil(order.id);
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body.status).toBe('FULFILLED');
    expect((await fulfil(order.id)).status).toBe(409);
    expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(409);
    await passExpiry();
    await runJob('expire-orders');
    expect((await getOrder(order.id)).status).toBe('FULFILLED');
  });

  it('accepts a late payment (PAID_LATE → PAID), after which the order may ship', async () => {
    const order = await createOrder();
    await api('POST', `/v1/orders/${order.id}/cancel`);
    await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: 7_700_002, amount: 150, paidAt: await stackNow() }),
    );
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID_LATE' ? true : undefined));
    expect((await api<Problem>('POST', `/v1/orders/${order.id}/accept-late-payment`)).status).toBe(200);
    expect((await fulfil(order.id)).body.status).toBe('FULFILLED');
    const again = await api<Problem>('POST', `/v1/orders/${order.id}/accept-late-payment`);
    expect(again.status).toBe(409);
  });

  it('refunds a late payment in full (PAID_LATE → REFUNDED), after which nothing ships', async () => {
    const order = await createOrder();
    await api('POST', `/v1/orders/${order.id}/cancel`);
    const refundPath = `/v1/orders/${order.id}/refunds`;
    const tooEarly = await api<Problem>('POST', refundPath, {
      body: { amount: 15000, reason: 'late_payment', destination },
    });
    expect(tooEarly.status).toBe(409);

    await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: 7_700_003, amount: 150, paidAt: await stackNow() }),
    );
    await eventually(async () => ((await getOrder(order.id)).status === 'PAID_LATE' ? true : undefined));
    const missingDestination = await api<Problem & { errors: { field: string }[] }>('POST', refundPath, {
      body: { amount: 15000, reason: 'late_payment' },
    });
    expect(missingDestination.status).toBe(400);
    expect(missingDestination.body.errors[0]?.field).toBe('destination');

    // Below the stage's approval thresholds: approved as requested; then the transfer's proof. A
    // requester of its own: the default key's day may be spent by the tests before (decision 75).
    const refund = await api<{ id: string; status: string }>('POST', refundPath, {
      body: { amount: 15000, reason: 'late_payment', destination, note: 'Buyer paid after cancelling.' },
      headers: await requesterKey(),
    });
    expect(refund.body.status).toBe('APPROVED');
    const paidOut = await api<{
      status: string;
      history: { transferReference?: string; by: { keyId: string } }[];
    }>('POST', `/v1/refunds/${refund.body.id}/mark-paid`, {
      body: { transferReference: 'BCP transfer 0042-7781', paidAt: '2026-11-27T10:00:00-05:00' },
    });
    expect(paidOut.body.status).toBe('PAID_OUT');
    expect(paidOut.body.history.at(-1)).toMatchObject({
      transferReference: 'BCP transfer 0042-7781',
      by: { keyId: 'local' },
    });
    const refunded = await getOrder(order.id);
    expect(refunded.status).toBe('REFUNDED');
    expect(refunded).toMatchObject({
      refundedAmount: order.amount,
      refunds: [{ id: refund.body.id, amount: order.amount }],
    });
    expect(refunded.history.at(-1)).toMatchObject({ from: 'PAID_LATE', to: 'REFUNDED', source: 'api' });

    const fulfilRefused = await fulfil(order.id);
    expect(fulfilRefused.status).toBe(409);
    expect(fulfilRefused.body.detail).toMatch(/refunded/);
    expect((await api('POST', `/v1/orders/${order.id}/accept-late-payment`)).status).toBe(409);
    expect(
      (await api('POST', refundPath, { body: { amount: 1, reason: 'other', destination } })).status,
    ).toBe(409);
    const events = await eventually(async () => {
      const feed = await api<{ items: { type: string; data: { id?: string } }[] }>(
        'GET',
        '/v1/events?type=order.refunded&limit=100',
      );
      return feed.body.items.find((event) => event.data.id === order.id);
    });
    expect(events.type).toBe('order.refunded');
  });
});

describe('more time for the buyer (extend-expiry)', () => {
  /** A 200 carries the order, a 4xx the problem (`code`, field `errors`). */
  type Extended = Omit<Order, 'status'> & {
    status: Order['status'] | number;
    code?: string;
    errors?: { field: string }[];
  };
  const extend = (id: string, expiresInMinutes: number) =>
    api<Extended>('POST', `/v1/orders/${id}/extend-expiry`, { body: { expiresInMinutes } });

  it('moves the deadline at the PSP and on the order, which the expirer then respects', async () => {
    const order = await createOrder(10);
    const extended = await extend(order.id, 60);
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.expiresAt)).toBeGreaterThan(Date.parse(order.expiresAt) + 45 * 60_000);
    expect(extended.body.voucher.expiresAt).toBe(extended.body.expiresAt);
    expect(extended.body).toMatchObject({ status: 'PENDING_PAYMENT', version: 2 });
    expect(extended.body.history).toEqual(order.history);
    const atPsp = await sandbox<{ dateExpiry: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
    expect(Date.parse(atPsp.body.dateExpiry)).toBe(Date.parse(extended.body.expiresAt));

    // Past the old deadline and its grace: the order is not due any more.
    await passExpiry();
    await runJob('expire-orders');
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');

    // Announced, so a receiver holding version 1 learns of version 2.
    const announced = await eventually(async () => {
      const feed = await api<{ items: { type: string; data: { id?: string; version?: number } }[] }>(
        'GET',
        '/v1/events?type=order.expiry_extended&limit=100',
      );
      return feed.body.items.find((event) => event.data.id === order.id);
    });
    expect(announced.data.version).toBe(2);

    // A deadline that is not later than the current one is refused, naming the field.
    const shorter = await extend(order.id, 10);
    expect(shorter.status).toBe(400);
    expect(shorter.body.errors?.[0]?.field).toBe('expiresInMinutes');
  });

  it('refuses once the deadline has passed, and for orders no longer pending', async () => {
    const lapsed = await createOrder(10);
    await passExpiry();
    const tooLate = await extend(lapsed.id, 60);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.code).toBe('voucher_expired');

    const paid = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${paid.voucher.cip}/pay`, {});
    await eventually(async () => ((await getOrder(paid.id)).status === 'PAID' ? true : undefined));
    const afterPayment = await extend(paid.id, 2000);
    expect(afterPayment.status).toBe(409);
    expect(afterPayment.body.code).toBe('invalid_status');
  });

  it('says the voucher was just paid when the PSP refuses because the cash already arrived', async () => {
    const order = await createOrder();
    // Paid at the PSP, but the notification is lost: our order still says PENDING_PAYMENT.
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { notify: false });
    const refused = await extend(order.id, 2000);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('voucher_not_changeable');
    expect((await getOrder(order.id)).expiresAt).toBe(order.expiresAt);
  });
});
