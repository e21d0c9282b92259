import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { dispatchRecords } from '#events/dispatch';
import type { Order } from '#model/order';
import { outboxItem } from '#store/outbox';
import { api, eventually, orderRequest } from '../../support/api';

type BusEvent = {
  detailType: string;
  source: string;
  detail: { id: string; data: { id?: string; subject?: string } };
};
const busEvents = async () =>
  (await api<{ items: BusEvent[] }>('GET', '/_local/bus-events', { auth: false })).body.items;
const failBus = (failNext: number, after: number) =>
  api('POST', '/_local/bus-faults', { body: { failNext, after }, auth: false });

function streamRecord(subject: string, sequence: number): DynamoDBRecord {
  // An anomaly-shaped subject: the dispatcher publishes only items keyed like real outbox events.
  const item = outboxItem(`ANOMALY#${subject}`, 1, 'payment.anomaly', new Date().toISOString(), { subject });
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { NewImage: marshall(item) as never, SequenceNumber: String(sequence), Keys: {} },
  };
}

describe('the outbox dispatcher', () => {
  it('reports the record that failed mid-batch; retrying from it delivers every event exactly once', async () => {
    const run = crypto.randomUUID();
    const records = [1, 2, 3].map((n) => streamRecord(`${run}-${n}`, 1000 + n));
    await failBus(1, 1);
    const first = await dispatchRecords(records);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '1002' }]);
    const retry = await dispatchRecords(records.slice(1));
    expect(retry.batchItemFailures).toEqual([]);
    const mine = (await busEvents()).filter((event) =>
      String(event.detail.data.subject ?? '').startsWith(run),
    );
    expect(mine.map((event) => event.detail.data.subject)).toEqual([`${run}-1`, `${run}-2`, `${run}-3`]);
  });

  it('loses nothing through the real stream when the bus fails during a batch', async () => {
    await failBus(1, 1);
    // One with empty metadata: an empty map must survive the trip through the stream.
    const orders = await Promise.all(
      Array.from(
        { length: 4 },
        async (_, i) =>
          (await api<Order>('POST', '/v1/orders', { body: orderRequest(i === 0 ? { metadata: {} } : {}) }))
            .body,
      ),
    );
    const ids = new Set(orders.map((order) => order.id));
    const created = await eventually(async () => {
      const found = (await busEvents()).filter(
        (event) => event.detailType === 'order.created' && ids.has(event.detail.data.id ?? ''),
      );
      return found.length >= orders.length ? found : undefined;
    });
    expect(created).toHaveLength(orders.length);
    expect(new Set(created.map((event) => event.detail.data.id)).size).toBe(orders.length);
    expect(created.every((event) => event.source === 'pagoefectivo.marketplace')).toBe(true);
  });
});
