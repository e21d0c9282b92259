import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntegritySummary } from '#jobs/ledger-integrity';
import type { Order } from '#model/order';
import {
  api,
  bankDestination as destination,
  eventually,
  orderRequest,
  sandbox,
  stack,
  stackNow,
  TEST_CCI,
} from '../../support/api';
import { endCoolingOff } from '../../support/cooling-off';
import { TEST_SECOND_API_KEY } from '../../support/global-stack';
import { paidBody, postNotification } from '../../support/notifications';

/**
 * A model-based property test of the money: random sequences of what marketplaces, buyers,
 * PagoEfectivo and finance do, against the real local stack, compared after each sequence with
 * the balances an independent model (below — not the product's journal code) says every seller
 * must have, the orders' statuses, the trial balance, and an integrity pass finding nothing.
 *
 * Amounts are chosen so that every pro-rata share is exact: splits are w·U and fees g·U (U = 5000
 * minor units per weight), refunds k·W (W = Σ weights), so a refund of k·W takes k·w from a split
 * and k·g of its fee. The model then needs no rounding rule, and a full refund in parts must
 * return every split and fee exactly. In the e2e-serial tier, not integration: an integrity pass
 * reads the whole ledger, and another test booking while it runs could race it (decision 80).
 */

// Orders of up to 36·U = S/ 1,800.00: refunds of S/ 500.00 or more wait for a second key.
const U = 5000;
const second = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };
type Currency = 'PEN' | 'USD';
type Bucket = 'pending' | 'available' | 'reservedForRefunds' | 'inTransit' | 'paidOut';
const BUCKETS: Bucket[] = ['pending', 'available', 'reservedForRefunds', 'inTransit', 'paidOut'];

interface ModelSplit {
  sellerId: string;
  w: number;
  g: number;
}
interface ModelOrder {
  id: string;
  cip: string;
  currency: Currency;
  W: number;
  splits: ModelSplit[];
  status: 'PENDING_PAYMENT' | 'PAID' | 'CANCELLED' | 'PAID_LATE' | 'REFUNDED';
  /** Paid through the sandbox (so a sandbox settlement report lists it). */
  viaSandbox: boolean;
  settled: boolean;
  /** Refund units (k) held by refunds requested or approved, and paid out. */
  reservedK: number;
  paidOutK: number;
  /** Refund units approved (not failed) while the cash was in suspense. */
  suspenseK: number;
}
interface ModelRefund {
  id: string;
  order: ModelOrder;
  k: number;
  status: 'REQUESTED' | 'APPROVED' | 'PAID_OUT' | 'REJECTED' | 'FAILED';
  fromSuspense: boolean;
  bucket: 'pending' | 'available';
}

class Model {
  orders: ModelOrder[] = [];
  refunds: ModelRefund[] = [];
  balances = new Map<string, Record<Bucket, number>>();
  openPayouts = new Map<string, { id: string; amount: number }>();
  bankAccounts = new Set<string>();

  balance(sellerId: string, currency: string): Record<Bucket, number> {
    const key = `${sellerId}|${currency}`;
    let found = this.balances.get(key);
    if (!found) {
      found = { pending: 0, available: 0, reservedForRefunds: 0, inTransit: 0, paidOut: 0 };
      this.balances.set(key, found);
    }
    return found;
  }
  /** Each seller's part of `k` refund units: k·(w − g) (the platform returns k·g of its fee). */
  credit(order: ModelOrder, units: number, bucket: Bucket, sign: 1 | -1) {
    for (const split of order.splits)
      this.balance(split.sellerId, order.currency)[bucket] += sign * units * (split.w - split.g);
  }
  refundable(order: ModelOrder): number {
    return U - order.reservedK - order.paidOutK;
  }
}

const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      currency: fc.constantFrom<Currency>('PEN', 'USD'),
      sellers: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 4 }),
      weights: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 4, maxLength: 4 }),
      feeParts: fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 4, maxLength: 4 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('pay' as const), i: fc.nat(), copies: fc.constantFrom(1, 2) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('latePay' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('accept' as const), i: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      i: fc.nat(),
      // Part of what is left, or (1) all of it: a full refund in parts.
      part: fc.oneof(fc.double({ min: 0.01, max: 0.7, noNaN: true }), fc.constant(1)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'approve' as const,
        'reject' as const,
        'markPaid' as const,
        'markFailed' as const,
      ),
      j: fc.nat(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('payout' as const),
      seller: fc.nat(3),
      currency: fc.constantFrom<Currency>('PEN', 'USD'),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(items: T[], i: number): T | undefined =>
  items.length ? items[i % items.length] : undefined;
const getOrder = async (id: string) => (await api<Order>('GET', `/v1/orders/${id}`)).body;
const untilStatus = (id: string, status: string) =>
  eventually(async () => ((await getOrder(id)).status === status ? true : undefined));

async function apply(model: Model, sellers: string[], step: Op, log: string[]): Promise<void> {
  switch (step.kind) {
    case 'create': {
      const splits = step.sellers.map((s, n) => {
        const w = step.weights[n] as number;
        return { sellerId: sellers[s] as string, w, g: Math.floor(w * (step.feeParts[n] as number)) };
      });
      const W = splits.reduce((sum, split) => sum + split.w, 0);
      const created = await api<Order>('POST', '/v1/orders', {
        body: orderRequest({
          currency: step.currency,
          amount: W * U,
          splits: splits.map((split) => ({
            sellerId: split.sellerId,
            amount: split.w * U,
            fee: split.g * U,
          })),
        }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      model.orders.push({
        id: created.body.id,
        cip: created.body.voucher.cip,
        currency: step.currency,
        W,
        splits,
        status: 'PENDING_PAYMENT',
        viaSandbox: false,
        settled: false,
        reservedK: 0,
        paidOutK: 0,
        suspenseK: 0,
      });
      log.push(`create ${step.currency} ${W * U} ${JSON.stringify(splits)}`);
      return;
    }
    case 'pay': {
      const order = pick(
        model.orders.filter((o) => o.status === 'PENDING_PAYMENT'),
        step.i,
      );
      if (!order) return;
      await sandbox('POST', `/_sandbox/cips/${order.cip}/pay`, { copies: step.copies });
      await untilStatus(order.id, 'PAID');
      order.status = 'PAID';
      order.viaSandbox = true;
      for (const split of order.splits)
        model.balance(split.sellerId, order.currency).pending += (split.w - split.g) * U;
      log.push(`pay ${order.id} ×${step.copies}`);
      return;
    }
    case 'cancel': {
      const order = pick(
        model.orders.filter((o) => o.status === 'PENDING_PAYMENT'),
        step.i,
      );
      if (!order) return;
      expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(200);
      order.status = 'CANCELLED';
      log.push(`cancel ${order.id}`);
      return;
    }
    case 'latePay': {
      const order = pick(
        model.orders.filter((o) => o.status === 'CANCELLED'),
        step.i,
      );
      if (!order) return;
      // Dated by the stack's clock, which earlier serial tests move forward: a date from this
      // process's clock would fall before the cancellation, i.e. not a late payment at all.
      const body = paidBody({
        cip: order.cip,
        operationNumber: Math.floor(Math.random() * 1e9),
        amount: (order.W * U) / 100,
        currency: order.currency,
        paidAt: await stackNow(),
      });
      expect((await postNotification(body)).status).toBe(200);
      await untilStatus(order.id, 'PAID_LATE');
      order.status = 'PAID_LATE';
      log.push(`latePay ${order.id}`);
      return;
    }
    case 'accept': {
      const order = pick(
        model.orders.filter((o) => o.status === 'PAID_LATE' && o.suspenseK < U),
        step.i,
      );
      if (!order) return;
      const accepted = await api('POST', `/v1/orders/${order.id}/accept-late-payment`);
      const open = model.refunds.some(
        (r) => r.order === order && (r.status === 'REQUESTED' || r.status === 'APPROVED'),
      );
      if (open) {
        // What is left is not known while a refund is still open: refused, nothing moves.
        expect(accepted.status, JSON.stringify(accepted.body)).toBe(409);
        log.push(`accept ${order.id} refused: a refund is open`);
        return;
      }
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      order.status = 'PAID';
      // The sellers get what the refunds already made from suspense left of the payment.
      model.credit(order, U - order.suspenseK, 'pending', 1);
      log.push(`accept ${order.id} (after ${order.suspenseK} refund units)`);
      return;
    }
    case 'refund': {
      const order = pick(
        model.orders.filter(
          (o) => (o.status === 'PAID' || o.status === 'PAID_LATE') && model.refundable(o) > 0,
        ),
        step.i,
      );
      if (!order) return;
      const left = model.refundable(order);
      const k = step.part === 1 ? left : Math.max(1, Math.floor(left * step.part));
      const created = await api<{ id: string; status: ModelRefund['status'] }>(
        'POST',
        `/v1/orders/${order.id}/refunds`,
        { body: { amount: k * order.W, reason: 'return', destination } },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const refund: ModelRefund = {
        id: created.body.id,
        order,
        k,
        status: 'REQUESTED',
        fromSuspense: false,
        bucket: 'pending',
      };
      model.refunds.push(refund);
      order.reservedK += k;
      // Whether it needs a second person is the stage's policy (the threshold); the money is the model's.
      if (created.body.status === 'APPROVED') approve(model, refund);
      else expect(created.body.status).toBe('REQUESTED');
      log.push(`refund ${order.id} ${k * order.W} → ${created.body.status}`);
      return;
    }
    case 'approve':
    case 'reject': {
      const refund = pick(
        model.refunds.filter((r) => r.status === 'REQUESTED'),
        step.j,
      );
      if (!refund) return;
      const moved = await api('POST', `/v1/refunds/${refund.id}/${step.kind}`, {
        headers: second,
        ...(step.kind === 'reject' ? { body: { reason: 'not returned' } } : {}),
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      if (step.kind === 'approve') approve(model, refund);
      else {
        refund.status = 'REJECTED';
        refund.order.reservedK -= refund.k;
      }
      log.push(`${step.kind} ${refund.id}`);
      return;
    }
    case 'markPaid':
    case 'markFailed': {
      const refund = pick(
        model.refunds.filter(
          // Left out: a failure after the order was settled (or a late payment accepted) meanwhile —
          // where the money then returns is a choice the model does not make.
          (r) =>
            r.status === 'APPROVED' &&
            (step.kind === 'markPaid' ||
              (r.fromSuspense
                ? r.order.status === 'PAID_LATE'
                : r.bucket === (r.order.settled ? 'available' : 'pending'))),
        ),
        step.j,
      );
      if (!refund) return;
      const moved = await api(
        'POST',
        `/v1/refunds/${refund.id}/${step.kind === 'markPaid' ? 'mark-paid' : 'mark-failed'}`,
        {
          headers: second,
          body:
            step.kind === 'markPaid'
              ? { transferReference: `MDL-${refund.id}`, paidAt: '2026-11-27T10:00:00-05:00' }
              : { reason: 'account closed' },
        },
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const order = refund.order;
      order.reservedK -= refund.k;
      if (step.kind === 'markPaid') {
        refund.status = 'PAID_OUT';
        order.paidOutK += refund.k;
        if (!refund.fromSuspense) model.credit(order, refund.k, 'reservedForRefunds', -1);
        if (order.paidOutK === U) order.status = 'REFUNDED';
      } else {
        refund.status = 'FAILED';
        if (refund.fromSuspense) order.suspenseK -= refund.k;
        else {
          model.credit(order, refund.k, 'reservedForRefunds', -1);
          model.credit(order, refund.k, refund.bucket, 1);
        }
      }
      log.push(`${step.kind} ${refund.id}`);
      return;
    }
    case 'settle': {
      // One report for every payment of the run not settled yet: PEN and USD lines together.
      const due = model.orders.filter((o) => o.viaSandbox && !o.settled && o.status !== 'PENDING_PAYMENT');
      if (due.length === 0) return;
      const file = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ settledOn: '2026-12-01', only: due.map((order) => order.cip) }),
      });
      const imported = await api<{ counts: Record<string, number> }>('POST', '/v1/settlements', {
        rawBody: Buffer.from(await file.arrayBuffer()),
        headers: { 'content-type': 'text/csv' },
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const counts = imported.body.counts;
      // Refunded orders settle too (their own outcome); every line settles a payment of ours.
      expect((counts.matched ?? 0) + (counts.refunded_before_settlement ?? 0), JSON.stringify(counts)).toBe(
        due.length,
      );
      for (const order of due) {
        order.settled = true;
        // Pending → available: each seller's share less what approved refunds took from it.
        const taken = model.refunds
          .filter(
            (r) =>
              r.order === order && !r.fromSuspense && (r.status === 'APPROVED' || r.status === 'PAID_OUT'),
          )
          .reduce((sum, r) => sum + r.k, 0);
        for (const split of order.splits) {
          const released = (U - taken) * (split.w - split.g);
          const balance = model.balance(split.sellerId, order.currency);
          balance.pending -= released;
          balance.available += released;
        }
      }
      log.push(`settle ${due.map((order) => `${order.id} ${order.currency}`).join(', ')}`);
      return;
    }
    case 'payout': {
      const sellerId = sellers[step.seller] as string;
      const key = `${sellerId}|${step.currency}`;
      const balance = model.balance(sellerId, step.currency);
      const open = model.openPayouts.get(key);
      if (open) {
        // The one open payout of this seller and currency: its transfer is made.
        const paid = await api('POST', `/v1/payouts/${open.id}/mark-paid`, {
          headers: second,
          body: { transferReference: `PO-${open.id}`, paidAt: '2026-12-02T15:00:00.000Z' },
        });
        expect(paid.status, JSON.stringify(paid.body)).toBe(200);
        balance.inTransit -= open.amount;
        balance.paidOut += open.amount;
        model.openPayouts.delete(key);
        log.push(`payout mark-paid ${open.id}`);
        return;
      }
      if (balance.available <= 0) return;
      if (!model.bankAccounts.has(sellerId)) {
        const account = await api('PUT', `/v1/sellers/${sellerId}/bank-account`, {
          body: {
            cci: TEST_CCI,
            holderName: 'Tienda Modelo SAC',
            documentType: 'DNI',
            documentNumber: '45678912',
          },
        });
        expect(account.status).toBe(200);
        await endCoolingOff(sellerId);
        model.bankAccounts.add(sellerId);
      }
      const requested = await api<{ id: string; amount: number }>('POST', '/v1/payouts', {
        body: { sellerId, currency: step.currency },
      });
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      expect(requested.body.amount).toBe(balance.available);
      const approved = await api('POST', `/v1/payouts/${requested.body.id}/approve`, { headers: second });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      balance.inTransit += balance.available;
      model.openPayouts.set(key, { id: requested.body.id, amount: balance.available });
      balance.available = 0;
      log.push(`payout ${requested.body.id} ${requested.body.amount} ${step.currency}`);
      return;
    }
  }
}

function approve(model: Model, refund: ModelRefund): void {
  const order = refund.order;
  refund.status = 'APPROVED';
  if (order.status === 'PAID_LATE') {
    // The cash is in suspense, not with the sellers.
    refund.fromSuspense = true;
    order.suspenseK += refund.k;
    return;
  }
  refund.bucket = order.settled ? 'available' : 'pending';
  model.credit(order, refund.k, refund.bucket, -1);
  model.credit(order, refund.k, 'reservedForRefunds', 1);
}

async function compare(model: Model, sellers: string[], log: string[]): Promise<void> {
  const why = () => log.join('\n');
  for (const order of model.orders) {
    const status = (await getOrder(order.id)).status;
    expect(status === 'FULFILLED' ? 'PAID' : status, `${order.id}\n${why()}`).toBe(order.status);
  }
  for (const sellerId of sellers) {
    const { balances } = (
      await api<{ balances: ({ currency: string } & Record<Bucket, number>)[] }>(
        'GET',
        `/v1/sellers/${sellerId}/balance`,
      )
    ).body;
    for (const currency of ['PEN', 'USD']) {
      const actual = balances.find((line) => line.currency === currency);
      const expected = model.balance(sellerId, currency);
      const shown = Object.fromEntries(BUCKETS.map((bucket) => [bucket, actual?.[bucket] ?? 0]));
      expect(shown, `${sellerId} ${currency}\n${why()}`).toEqual(expected);
    }
  }
  for (const currency of ['PEN', 'USD'])
    expect(
      (await api<{ total: number }>('GET', `/v1/ledger/trial-balance?currency=${currency}`)).body.total,
    ).toBe(0);
  const pass = (
    await api<IntegritySummary>('POST', '/_local/jobs/ledger-integrity', {
      body: { newPass: true },
      auth: false,
    })
  ).body;
  expect(pass.report?.differences, why()).toEqual([]);
}

describe('the money, against an independent model', () => {
  it('keeps every seller balance, order status and the ledger as the model says, whatever happens in any order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 15, maxLength: 20 }), async (steps) => {
        const run = randomUUID().slice(0, 8);
        const sellers = [0, 1, 2, 3].map((n) => `mdl-${run}-${n}`);
        const model = new Model();
        const log: string[] = [];
        // Two orders to act on whatever the draw, and a late payment refunded in part from
        // suspense, then accepted (refused while the refund is open): the sellers must get only
        // what the refund left.
        const opening: Op[] = [
          {
            kind: 'create',
            currency: 'PEN',
            sellers: [0, 1, 2],
            weights: [3, 5, 7, 1],
            feeParts: [0.1, 0.3, 0, 0],
          },
          {
            kind: 'create',
            currency: 'USD',
            sellers: [3, 1],
            weights: [2, 9, 1, 1],
            feeParts: [0.5, 0.2, 0, 0],
          },
          {
            kind: 'create',
            currency: 'PEN',
            sellers: [2, 3],
            weights: [4, 6, 1, 1],
            feeParts: [0.25, 0.5, 0, 0],
          },
          { kind: 'cancel', i: 2 },
          { kind: 'latePay', i: 0 },
          { kind: 'refund', i: 0, part: 0.3 },
          { kind: 'accept', i: 0 },
          { kind: 'markPaid', j: 0 },
          { kind: 'accept', i: 0 },
        ];
        for (const step of [...opening, ...steps]) await apply(model, sellers, step, log);
        await compare(model, sellers, log);
      }),
      // Each run books on the real stack (~15 s here): four runs keep it near a minute; no shrinking marathon.
      { numRuns: 4, endOnFailure: true },
    );
  }, 240_000);
});
