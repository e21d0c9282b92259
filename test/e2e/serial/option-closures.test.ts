import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { closuresFor } from '#payments/option-closures';
import { dynamo } from '#platform/aws';
import { closurePut, getClosure } from '#store/option-closures';
import { api, eventually, orderRequest, sandbox } from '../../support/api';

/**
 * The paying transaction records which other options must stop being payable; closing them at
 * their providers comes right after, outside it (decision 104). A process that dies in between
 * must not leave a CIP payable for good: sync-pending closes what is still pending.
 */
describe('an option closure a crash left pending', () => {
  it('is closed by sync-pending: the CIP is deleted at the provider and the closure records it', async () => {
    const order = (
      await api<Order>('POST', '/v1/orders', { body: { ...orderRequest(), paymentMethods: ['cash'] } })
    ).body;
    // What the paying transaction writes beside a wallet payment, then the process dies: no close.
    const [closure] = closuresFor(order, 'po_00000000000000000000000000', new Date().toISOString());
    expect(closure).toMatchObject({ method: 'cash', ref: order.voucher.cip, state: 'pending' });
    if (!closure) return;
    await dynamo().send(new TransactWriteCommand({ TransactItems: [closurePut(closure)] }));
    const before = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
    expect(before.body.status).not.toBe('deleted');

    const run = await api<{ optionClosures: { retried: number; closed: number } }>(
      'POST',
      '/_local/jobs/sync-pending',
      { auth: false },
    );
    expect(run.body.optionClosures.closed).toBeGreaterThanOrEqual(1);
    const cip = await eventually(async () => {
      const { body } = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
      return body.status === 'deleted' ? body : undefined;
    });
    expect(cip.status).toBe('deleted');
    const recorded = await getClosure(closure.optionId);
    expect(recorded?.state).toBe('closed');
    expect(recorded?.attempts.at(-1)?.outcome).toBe('deleted');
  });
});
