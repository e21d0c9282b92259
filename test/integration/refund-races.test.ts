import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { orderEntity } from '#contract/entities/order';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { api, bankDestination as destination, eventually, orderRequest, sandbox } from '../support/api';
import { TEST_SECOND_API_KEY } from '../support/global-stack';

const second = { authorization: `Bearer ${TEST_SECOND_API_KEY}` };

describe('a refund step that read the refund before another step of it refunded the order', () => {
  it('answers 409, not 500, and changes nothing', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    const requested = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
      body: { amount: order.amount, reason: 'return', destination },
      headers: { 'idempotency-key': `refund-${randomUUID()}` },
    });
    expect(requested.status).toBe(201);
    const refund =
      requested.body.status === 'APPROVED'
        ? requested.body
        : (await api<Refund>('POST', `/v1/refunds/${requested.body.id}/approve`, { headers: second })).body;
    expect(refund.status).toBe('APPROVED');

    // What a mark-failed racing mark-paid sees: its refund read still APPROVED, its order read
    // already REFUNDED by the other step (whose refund write it read too early to see). Made
    // deterministic by moving the stored order alone, as the winning step's transaction would.
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: orderEntity.key(order.id),
        UpdateExpression: 'SET #status = :refunded',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':refunded': 'REFUNDED' },
      }),
    );

    const marked = await api<{ code: string }>('POST', `/v1/refunds/${refund.id}/mark-paid`, {
      body: { transferReference: 'BCP-TRF-1', paidAt: '2026-11-27T15:00:00-05:00' },
    });
    expect(marked.status).toBe(409);
    expect(marked.body.code).toBe('refund_changed');
    expect((await api<Refund>('GET', `/v1/refunds/${refund.id}`)).body.status).toBe('APPROVED');
  });
});
