import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { cancelOrder } from '#orders/cancel-order';
import { reviewRisk } from '#orders/review-risk';
import { ConflictError } from '#platform/errors';
import { pspProvider } from '#psp/index';
import type { PspProvider } from '#psp/provider';
import { getOrder } from '#store/orders-repository';
import { openReviewOrderIds } from '#store/risk-repository';
import { api, orderRequest, sandbox } from '../support/api';

/**
 * Outside test 9 (decision 134): reviews of one flagged order sent together, and a cancel racing
 * an approval. Every round must end consistent — one decision, and the order CANCELLED exactly
 * when its CIP is deleted at the PSP — with nothing but 409s for the losers.
 */

/** The stage's real PSP client (the sandbox over HTTP), each CIP deletion held back 300 ms. */
function slowDeletions(): PspProvider {
  const real = pspProvider();
  const psp = Object.create(real) as PspProvider;
  psp.deleteVoucher = async (voucher) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return real.deleteVoucher(voucher);
  };
  return psp;
}

/** The third large order from one IP within a minute: flagged by the local `ip-large-orders` rule. */
async function flaggedOrder(): Promise<Order> {
  // An address of its own (65k of them): two calls sharing one would pass the burst rule's 5 a
  // minute and be refused (422 risk_blocked) — with 254, one run in a dozen drew a repeat.
  const ip = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  let last: Order | undefined;
  for (let i = 0; i < 3; i++) {
    const created = await api<Order>('POST', '/v1/orders', {
      body: orderRequest({
        amount: 60_000,
        splits: [{ sellerId: 'seller-risk-race', amount: 60_000, fee: 6_000 }],
        risk: { ip, deviceId: `race-${i}` },
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    last = created.body;
  }
  expect(last?.risk?.decision).toBe('flagged');
  return last as Order;
}

const cipAtPsp = async (cip: string) =>
  (await sandbox<{ status: string }>('GET', `/_sandbox/cips/${cip}`)).body.status;

/** Losers are told 409, never an internal error. */
function expectOnlyConflicts(outcomes: PromiseSettledResult<unknown>[]) {
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConflictError);
  }
}

/** The order is CANCELLED exactly when its CIP is gone at the PSP. */
async function expectConsistent(order: Order): Promise<Order> {
  const stored = (await getOrder(order.id, true)) as Order;
  const atPsp = await cipAtPsp(order.voucher.cip);
  expect(stored.status === 'CANCELLED', `${stored.status} with the CIP ${atPsp}`).toBe(atPsp === 'deleted');
  return stored;
}

describe('risk reviews of one order sent together (decision 134)', () => {
  it('approve and reject at once: one decision stands, and the order is cancelled only if it was the rejection', async () => {
    for (let round = 0; round < 3; round++) {
      const order = await flaggedOrder();
      const psp = slowDeletions();
      const outcomes = await Promise.allSettled([
        reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer_a', psp),
        reviewRisk(order.id, 'approve', 'Cliente conocido.', 'key_reviewer_b', psp),
        reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer_c', psp),
        reviewRisk(order.id, 'approve', 'Cliente conocido.', 'key_reviewer_d', psp),
      ]);
      expectOnlyConflicts(outcomes);
      const decided = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(decided).toHaveLength(1);
      const stored = await expectConsistent(order);
      const winner = (decided[0] as PromiseFulfilledResult<Order>).value;
      expect(stored.risk?.decision).toBe(winner.risk?.decision);
      expect(stored.status).toBe(winner.risk?.decision === 'rejected' ? 'CANCELLED' : 'PENDING_PAYMENT');
    }
  });

  it('a cancel racing an approval cancels the order it deleted the CIP of, approved or not', async () => {
    for (let round = 0; round < 2; round++) {
      const order = await flaggedOrder();
      const outcomes = await Promise.allSettled([
        cancelOrder(order.id, slowDeletions()),
        // Lands while the cancel waits on the PSP: the order's version moves under it.
        new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
          reviewRisk(order.id, 'approve', 'Cliente conocido.', 'key_reviewer', pspProvider()),
        ),
      ]);
      expectOnlyConflicts(outcomes);
      expect(outcomes[0]?.status).toBe('fulfilled');
      const stored = await expectConsistent(order);
      expect(stored.status).toBe('CANCELLED');
    }
  });

  it('a payment that beats the rejection to the PSP: 409, and the order is flagged again, back in the review queue (outside test 10)', async () => {
    const order = await flaggedOrder();
    const real = pspProvider();
    const psp = Object.create(real) as PspProvider;
    // The buyer pays at the agent just as the reviewer rejects: the PSP then refuses the deletion.
    psp.deleteVoucher = async (voucher) => {
      await sandbox('POST', `/_sandbox/cips/${voucher.cip}/pay`, { notify: false });
      return real.deleteVoucher(voucher);
    };
    await expect(
      reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer', psp),
    ).rejects.toMatchObject({
      code: 'voucher_not_deletable',
    });
    const stored = (await getOrder(order.id, true)) as Order;
    expect(stored.status).toBe('PENDING_PAYMENT');
    expect(stored.risk?.decision).toBe('flagged');
    // The open reviews, oldest first, paged through (other tests leave flagged orders too).
    const open: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const listed = await openReviewOrderIds(100, cursor);
      open.push(...listed.orderIds);
      cursor = listed.nextCursor ?? undefined;
      if (cursor === undefined) break;
    }
    expect(open).toContain(order.id);
  });

  it('a rejection that died after recording its decision, before its cancel, is finished by the reviewer asking again (decision 136)', async () => {
    const order = await flaggedOrder();
    const real = pspProvider();
    const down = Object.create(real) as PspProvider;
    down.deleteVoucher = async () => {
      throw new Error('socket hang up');
    };
    // The decision is recorded; the cancel never reaches the PSP (as if the function died there).
    await expect(reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer', down)).rejects.toThrow(
      /socket hang up/,
    );
    expect((await getOrder(order.id, true))?.risk?.decision).toBe('rejected');
    expect(await cipAtPsp(order.voucher.cip)).not.toBe('deleted');
    // Asked again, it cancels instead of answering "already reviewed"; asked once more, it is done.
    const finished = await reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer', real);
    expect(finished).toMatchObject({ status: 'CANCELLED', risk: { decision: 'rejected' } });
    await expectConsistent(order);
    expect((await reviewRisk(order.id, 'reject', 'Fraude probable.', 'key_reviewer', real)).status).toBe(
      'CANCELLED',
    );
    await expect(
      reviewRisk(order.id, 'approve', 'Cliente conocido.', 'key_reviewer', real),
    ).rejects.toMatchObject({
      code: 'already_reviewed',
    });
  });
});
