import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { extendExpiry } from '#orders/extend-expiry';
import { ConflictError } from '#platform/errors';
import { pspProvider } from '#psp/index';
import type { PspProvider } from '#psp/provider';
import { acquireJobLease, releaseJobLease } from '#store/job-leases';
import { getOrder } from '#store/orders-repository';
import { api, orderRequest, sandbox } from '../support/api';

/**
 * The stage's real PSP client (the sandbox over HTTP), each deadline change held back 300 ms so
 * that extensions sent together overlap at the PSP, as slow PSP calls make them do in production.
 */
function slowDeadlineChanges(): { psp: PspProvider; changes: () => number } {
  const real = pspProvider();
  let changes = 0;
  const psp = Object.create(real) as PspProvider;
  psp.changeVoucherExpiry = async (voucher, expiresAt) => {
    changes += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return real.changeVoucherExpiry(voucher, expiresAt);
  };
  return { psp, changes: () => changes };
}

const pspDeadline = async (cip: string) =>
  Date.parse((await sandbox<{ dateExpiry: string }>('GET', `/_sandbox/cips/${cip}`)).body.dateExpiry);

describe('extensions of one order sent together', () => {
  it('move the PSP once and leave its deadline equal to the order’s; the others change nothing', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest({ expiresInMinutes: 60 }) }))
      .body;
    const { psp, changes } = slowDeadlineChanges();

    const outcomes = await Promise.allSettled(
      [3000, 2900, 2800, 2700].map((minutes) => extendExpiry(order.id, minutes, psp)),
    );

    const extended = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(extended).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('extension_in_progress');
    }
    // Only the extension holding the order's lease reached the PSP.
    expect(changes()).toBe(1);
    const stored = await getOrder(order.id, true);
    expect(stored?.expiresAt).toBe(extended[0]?.expiresAt);
    expect(await pspDeadline(order.voucher.cip)).toBe(Date.parse(stored?.expiresAt ?? ''));

    // The lease was given back: the next extension goes through.
    const later = await extendExpiry(order.id, 3100, psp);
    expect(Date.parse(later.expiresAt)).toBeGreaterThan(Date.parse(stored?.expiresAt ?? ''));
    expect(await pspDeadline(order.voucher.cip)).toBe(Date.parse(later.expiresAt));
  });

  it('is refused while another holder has the lease, before anything is asked of the PSP', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest({ expiresInMinutes: 60 }) }))
      .body;
    const { psp, changes } = slowDeadlineChanges();
    // An extension that is still running (or died holding the lease, until it expires).
    const held = await acquireJobLease(`extend-expiry#${order.id}`, 60_000);
    expect(held).toBeDefined();
    await expect(extendExpiry(order.id, 600, psp)).rejects.toMatchObject({ code: 'extension_in_progress' });
    expect(changes()).toBe(0);
    expect((await getOrder(order.id, true))?.version).toBe(order.version);
    if (held) await releaseJobLease(`extend-expiry#${order.id}`, held);
    expect((await extendExpiry(order.id, 600, psp)).version).toBe(order.version + 1);
  });
});
