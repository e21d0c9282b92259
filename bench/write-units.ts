import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { Order } from '../functions/orders/order';
import { dynamoClient } from '../functions/platform/aws';
import { fmt } from './stats';

const WRITES = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;

/**
 * Write units per order transition, as DynamoDB reports them (`ReturnConsumedCapacity: INDEXES`,
 * which DynamoDB Local answers like AWS: table and each index apart, transactions counted twice).
 * Every write of the in-process handlers goes through the one client this taps.
 */
function tapWriteUnits() {
  const totals = new Map<string, number>();
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.test(String(context.commandName))) {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      }
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      for (const entry of [consumed ?? []].flat()) {
        const table = entry.TableName?.replace(/^pagoefectivo-local-/, '') ?? '?';
        const add = (name: string, units: number | undefined) =>
          totals.set(name, (totals.get(name) ?? 0) + (units ?? 0));
        add(table, entry.Table?.CapacityUnits ?? entry.CapacityUnits);
        for (const [index, capacity] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) {
          add(`${table}/${index}`, capacity.CapacityUnits);
        }
      }
      return result;
    },
    { step: 'serialize', priority: 'high', name: 'benchWriteUnits' },
  );
  return {
    take(): Map<string, number> {
      const copy = new Map(totals);
      totals.clear();
      return copy;
    },
  };
}

export async function benchWriteUnits(
  apiUrl: string,
  sandboxUrl: string,
  post: <T>(url: string, body: unknown) => Promise<T>,
  get: <T>(path: string) => Promise<T>,
  createOrder: () => Promise<Order>,
): Promise<void> {
  const tap = tapWriteUnits();
  const ORDERS = 10;
  const steps: Record<string, Map<string, number>[]> = {
    create: [],
    'pay (webhook)': [],
    fulfil: [],
    'two-seller order: pay (webhook)': [],
    'refund (below threshold: approved at once)': [],
    'refund mark-paid': [],
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
  for (let i = 0; i < ORDERS; i++) {
    await settle();
    tap.take();
    const order = await createOrder();
    await settle();
    steps.create?.push(tap.take());
    await post(`${sandboxUrl}/_sandbox/cips/${order.voucher.cip}/pay`, { copies: 1 });
    const deadline = Date.now() + 20_000;
    while ((await get<Order>(`/v1/orders/${order.id}`)).status !== 'PAID' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await settle();
    steps['pay (webhook)']?.push(tap.take());
    await post(`${apiUrl}/v1/orders/${order.id}/fulfil`, {});
    await settle();
    steps.fulfil?.push(tap.take());

    // A two-seller order, paid, then partly refunded and paid out: what the ledger costs.
    const twoSellers = await post<Order>(`${apiUrl}/v1/orders`, {
      reference: `bench-wu-${Date.now()}-${i}`,
      currency: 'PEN',
      amount: 15000,
      concept: 'Bench',
      buyer: {
        email: 'bench@example.pe',
        firstName: 'Ana',
        lastName: 'Núñez',
        documentType: 'DNI',
        documentNumber: '45678912',
      },
      splits: [
        { sellerId: 'bench-seller-a', amount: 9000, fee: 900 },
        { sellerId: 'bench-seller-b', amount: 6000, fee: 600 },
      ],
    });
    await settle();
    tap.take();
    await post(`${sandboxUrl}/_sandbox/cips/${twoSellers.voucher.cip}/pay`, { copies: 1 });
    while (
      (await get<Order>(`/v1/orders/${twoSellers.id}`)).status !== 'PAID' &&
      Date.now() < deadline + 20_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await settle();
    steps['two-seller order: pay (webhook)']?.push(tap.take());
    const refund = await post<{ id: string }>(`${apiUrl}/v1/orders/${twoSellers.id}/refunds`, {
      amount: 5000,
      reason: 'return',
      destination: {
        type: 'bank_account',
        cci: '00219300153895206813',
        holderName: 'Ana Núñez',
        documentType: 'DNI',
        documentNumber: '45678912',
      },
    });
    await settle();
    steps['refund (below threshold: approved at once)']?.push(tap.take());
    await post(`${apiUrl}/v1/refunds/${refund.id}/mark-paid`, {
      transferReference: `T-${i}`,
      paidAt: new Date().toISOString(),
    });
    await settle();
    steps['refund mark-paid']?.push(tap.take());
  }
  const columns = ['table', 'table/gsi1', 'table/gsi2', 'table/gsi3', 'raw-notifications'];
  console.log(
    `\n## Write units per order transition (DynamoDB's ConsumedCapacity, mean of ${ORDERS} orders)\n`,
  );
  console.log(`| step | total | ${columns.join(' | ')} |`);
  console.log(`|---|---:|${columns.map(() => '---:').join('|')}|`);
  for (const [step, samples] of Object.entries(steps)) {
    const mean = (name: string) =>
      samples.reduce((sum, sample) => sum + (sample.get(name) ?? 0), 0) / samples.length;
    const all = new Set(samples.flatMap((sample) => [...sample.keys()]));
    const total = [...all].reduce((sum, name) => sum + mean(name), 0);
    console.log(`| ${step} | ${fmt(total, 1)} | ${columns.map((name) => fmt(mean(name), 1)).join(' | ')} |`);
  }
  console.log(
    '\n(Includes the stream-driven work each step causes: outbox dispatch reads, webhook delivery records; no endpoint is subscribed here.)',
  );
}
