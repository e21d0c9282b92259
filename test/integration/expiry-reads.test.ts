import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueOrders } from '../../functions/jobs/expire-orders';
import { syncPendingOrders } from '../../functions/jobs/sync-pending';
import type { Order } from '../../functions/orders/order';
import { dynamo, resetAwsClientsForTests } from '../../functions/platform/aws';
import { config, resetConfigForTests } from '../../functions/platform/config';
import { pagoEfectivo } from '../../functions/psp/pagoefectivo';
import { orderItem } from '../../functions/store/orders-repository';
import { ensureTable, LOCAL_CREDENTIALS } from '../../local/dynamodb';
import { stack } from '../support/api';

const TOTAL = 10_000;
const DUE = 100;

function syntheticOrder(i: number, expiresAt: Date): Order {
  const createdAt = new Date(expiresAt.getTime() - 3600_000).toISOString();
  const id = `ord_${String(i).padStart(26, '0')}`;
  return {
    id,
    reference: `bulk-${i}`,
    status: 'PENDING_PAYMENT',
    currency: 'PEN',
    amount: 1000,
    concept: 'bulk',
    buyer: {
      email: 'b@example.pe',
      firstName: 'B',
      lastName: 'B',
      documentType: 'DNI',
      documentNumber: '12345678',
    },
    splits: [{ sellerId: 's', amount: 1000, fee: 0 }],
    metadata: {},
    createdAt,
    updatedAt: createdAt,
    expiresAt: expiresAt.toISOString(),
    // CIPs the sandbox never issued: the final check finds no payment for them.
    voucher: {
      provider: 'pagoefectivo',
      cip: String(80_000_000 + i),
      url: 'https://example.invalid/v',
      expiresAt: expiresAt.toISOString(),
    },
    history: [{ from: null, to: 'PENDING_PAYMENT', at: createdAt, source: 'api' }],
    version: 1,
  };
}

/**
 * 10 000 pending orders, 100 of them due: the expirer must read about 100 items, not 10 000.
 * A table of its own, so the shared test table stays small and other tests are not disturbed.
 */
describe('the expirer reads only what is due', () => {
  const originalTable = process.env.TABLE_NAME;
  const now = Date.now();

  beforeAll(async () => {
    const tableName = `expiry-reads-${now}`;
    const client = new DynamoDBClient({
      endpoint: stack().env.DYNAMODB_ENDPOINT,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTable(client, tableName);
    client.destroy();
    process.env.TABLE_NAME = tableName;
    resetConfigForTests();
    resetAwsClientsForTests();
    const items = Array.from({ length: TOTAL }, (_, i) => {
      // The first 100 expired 10 minutes ago; the rest expire over the next days.
      const expiresAt = i < DUE ? new Date(now - 600_000 - i * 1000) : new Date(now + 3600_000 + i * 60_000);
      return orderItem(syntheticOrder(i, expiresAt));
    });
    const batches = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    // Bounded concurrency: 4 batch writes in flight.
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(
        batches.slice(i, i + 4).map(async (batch) => {
          let pending = batch.map((Item) => ({ PutRequest: { Item } }));
          while (pending.length > 0) {
            const result = await dynamo().send(
              new BatchWriteCommand({ RequestItems: { [config().TABLE_NAME]: pending } }),
            );
            pending = (result.UnprocessedItems?.[config().TABLE_NAME] ?? []) as typeof pending;
          }
        }),
      );
    }
  }, 180_000);

  afterAll(() => {
    process.env.TABLE_NAME = originalTable;
    resetConfigForTests();
    resetAwsClientsForTests();
  });

  it('touches about 100 items for 100 due orders among 10 000 pending', async () => {
    const summary = await expireDueOrders(pagoEfectivo(), {
      graceSeconds: 120,
      forceAfterSeconds: 3600,
      maxOrders: 2000,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(summary.examined).toBe(DUE);
    expect(summary.expired).toBe(DUE);
    expect(summary.itemsRead).toBe(DUE);
    expect(summary.pspCalls).toBe(DUE / 25);
    expect(summary.dueLeft).toBe(0);
  });

  it('bounds a sync pass and continues where it stopped', async () => {
    const first = await syncPendingOrders(pagoEfectivo(), {
      maxOrders: 400,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(first.itemsRead).toBe(400);
    expect(first.examined).toBe(400);
    expect(first.continues).toBe(true);
    const second = await syncPendingOrders(pagoEfectivo(), {
      maxOrders: 400,
      batchSize: 25,
      hasTimeLeft: () => true,
    });
    expect(second.examined).toBe(400);
    expect(second.continues).toBe(true);
  });
});
