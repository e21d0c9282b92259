import { describe, expect, it } from 'vitest';
import type { UnsettledSummary } from '#jobs/check-unsettled';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox, stack } from '../../support/api';

const getOrder = async (id: string) => (await api<Order>('GET', `/v1/orders/${id}`)).body;
const runJob = async <T>(name: string) =>
  (await api<T>('POST', `/_local/jobs/${name}`, { auth: false })).body;

async function settle(cips: string[]) {
  const file = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settledOn: '2026-12-01', only: cips }),
  });
  return api<{ counts: Record<string, number> }>('POST', '/v1/settlements', {
    rawBody: Buffer.from(await file.arrayBuffer()),
    headers: { 'content-type': 'text/csv' },
  });
}

describe('unsettled payments', () => {
  it('settles a polled payment by CIP (it gains its operation number) and flags a never-settled one once', async () => {
    // Found by polling only: no operation number until the report names it.
    const polled = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    const paid = await sandbox<{ operationNumber: string }>(
      'POST',
      `/_sandbox/cips/${polled.voucher.cip}/pay`,
      {
        notify: false,
      },
    );
    await runJob('sync-pending');
    expect((await getOrder(polled.id)).payment?.operationNumber).toBeNull();

    const neverSettled = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    await sandbox('POST', `/_sandbox/cips/${neverSettled.voucher.cip}/pay`, {});
    await eventually(async () => ((await getOrder(neverSettled.id)).status === 'PAID' ? true : undefined));

    const imported = await settle([polled.voucher.cip]);
    expect(imported.body.counts.matched).toBe(1);
    const settled = await getOrder(polled.id);
    expect(settled.payment?.operationNumber).toBe(paid.body.operationNumber);
    expect(settled.settlement).toBeDefined();

    // Eight days on, the daily check flags the one PagoEfectivo never settled — once.
    await api('POST', '/_local/clock', { body: { advanceSeconds: 8 * 86_400 }, auth: false });
    const first = await runJob<UnsettledSummary>('check-unsettled');
    expect(first.complete).toBe(true);
    await runJob<UnsettledSummary>('check-unsettled');
    const anomalies = await api<{ items: { id: string; orderId?: string }[] }>(
      'GET',
      '/v1/anomalies?type=unsettled_payment&limit=100',
    );
    const flagged = anomalies.body.items.filter((anomaly) => anomaly.orderId === neverSettled.id);
    expect(flagged).toHaveLength(1);
    expect(anomalies.body.items.some((anomaly) => anomaly.orderId === polled.id)).toBe(false);
  });
});
