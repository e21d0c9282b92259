import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { orderEntity } from '#contract/entities/order';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { applyOrderAction } from '#orders/order-actions';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { ConflictError } from '#platform/errors';
import { api, bankDestination as destination, eventually, orderRequest, sandbox } from '../support/api';
import { TEST_SECOND_API_KEY } from '../support/global-stack';
import { paidBody, postNotification } from '../support/notifications';

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

describe('accepting a late payment while a refund of it begins', () => {
  it('reads the order again and refuses with refund_in_progress, naming the refund; the order stays PAID_LATE', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(200);
    await postNotification(
      paidBody({
        cip: order.voucher.cip,
        operationNumber: 860_000 + Math.floor(Math.random() * 99_999),
        amount: order.amount / 100,
        paidAt: new Date(Date.parse(order.createdAt) + 60_000),
      }),
    );
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID_LATE' ? true : undefined,
    );
    // The accept has read the order (no refund yet) when the refund commits: made deterministic by
    // requesting the refund just before the accept's own transaction is sent.
    let refundId: string | undefined;
    const client = dynamo();
    const send = client.send.bind(client);
    const spy = vi.spyOn(client, 'send').mockImplementation((async (command: {
      constructor: { name: string };
    }) => {
      if (refundId === undefined && command.constructor.name === 'TransactWriteCommand') {
        const refund = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
          body: { amount: 1000, reason: 'return', destination },
        });
        expect(refund.status).toBe(201);
        refundId = refund.body.id;
      }
      return send(command as never);
    }) as never);
    try {
      const refused = await applyOrderAction(order.id, 'accept-late-payment').catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ code: 'refund_in_progress' });
      expect(JSON.stringify(refused)).toContain(refundId as string);
    } finally {
      spy.mockRestore();
    }
    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.status).toBe('PAID_LATE');
  });
});
