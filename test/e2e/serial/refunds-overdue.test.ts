import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { api, eventually, orderRequest, sandbox } from '../../support/api';
import { requesterKey } from '../../support/keys';

describe('refunds approved and never paid out', () => {
  it('are counted by the scheduled pass once they wait longer than REFUND_OVERDUE_DAYS', async () => {
    const order = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({ amount: 5000, splits: [{ sellerId: 's-overdue', amount: 5000, fee: 0 }] }),
      })
    ).body;
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    const refund = (
      await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
        // A requester of its own: the default key's day may be spent by the tests before (decision 75).
        headers: await requesterKey(),
        body: {
          amount: 5000,
          reason: 'return',
          destination: {
            type: 'bank_account',
            cci: '00219300153895206813',
            holderName: 'Ana',
            documentType: 'DNI',
            documentNumber: '45678912',
          },
        },
      })
    ).body;
    expect(refund.status).toBe('APPROVED');
    const job = () => api<{ refundsOverdue: number }>('POST', '/_local/jobs/sync-pending', { auth: false });
    const before = (await job()).body.refundsOverdue;
    await api('POST', '/_local/clock', { body: { advanceSeconds: 4 * 86_400 }, auth: false });
    expect((await job()).body.refundsOverdue).toBeGreaterThan(before);
  });
});
