import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE } from '#lib/topology';
import type { Order } from '#model/order';
import type { CreateOrderRequest } from '#orders/create-order-request';
import { dynamoClient } from '#platform/aws';
import { fmt } from './stats';

/** Index name → its projection and key attributes, as lib/topology.ts declares them. */
const INDEXES = TABLE.indexes.map((index) => ({ ...index }));
const KB = 1024;

/** DynamoDB's item size: attribute names plus values (close enough for whole-KB rounding). */
function itemSize(item: Record<string, AttributeValue> | undefined): number {
  return item ? Buffer.byteLength(JSON.stringify(item)) : 0;
}
const units = (bytes: number) => (bytes === 0 ? 0 : Math.ceil(bytes / KB));

/**
 * Write units of one item write by AWS's rules: the table pays for the larger of the old and new
 * item; each index pays for the projected entry written (KEYS_ONLY: the keys; ALL: the item) and
 * for the old entry removed when the item leaves or changes its index key. Transactions pay
 * twice. (DynamoDB Local's own ConsumedCapacity under-reports transactional writes — measured: two
 * 100-byte puts in a transaction reported 2 units, not 4 — so the bench computes instead.)
 */
function writeUnits(
  oldItem: Record<string, AttributeValue> | undefined,
  newItem: Record<string, AttributeValue> | undefined,
  factor: number,
  totals: Map<string, number>,
  table: string,
): void {
  const addTo = (name: string, n: number) => totals.set(name, (totals.get(name) ?? 0) + n * factor);
  addTo(table, Math.max(1, units(Math.max(itemSize(oldItem), itemSize(newItem)))));
  for (const index of INDEXES) {
    const keyOf = (item: Record<string, AttributeValue> | undefined) =>
      item?.[index.partitionKey] && item[index.sortKey]
        ? `${JSON.stringify(item[index.partitionKey])}|${JSON.stringify(item[index.sortKey])}`
        : undefined;
    const projected = (item: Record<string, AttributeValue>) =>
      index.projection === 'ALL'
        ? units(itemSize(item))
        : units(
            itemSize({
              pk: item.pk as AttributeValue,
              sk: item.sk as AttributeValue,
              [index.partitionKey]: item[index.partitionKey] as AttributeValue,
              [index.sortKey]: item[index.sortKey] as AttributeValue,
            }),
          );
    const before = keyOf(oldItem);
    const after = keyOf(newItem);
    // An index is written when its entry appears, moves (old entry out, new in) or — projecting
    // ALL — when any attribute of an item in it changes; a keys-only entry that stays put is not.
    const changed = JSON.stringify(oldItem) !== JSON.stringify(newItem);
    if (after && newItem && (before !== after || (index.projection === 'ALL' && changed)))
      addTo(`${table}/${index.name}`, projected(newItem));
    if (before && oldItem && before !== after) addTo(`${table}/${index.name}`, projected(oldItem));
  }
}

/**
 * Write units per order transition, computed from every write the in-process handlers send (and
 * the items they replace), by AWS's rules (`writeUnits`). Every write goes through the one
 * client this taps; a second client reads the old items.
 */
function tapWriteUnits() {
  const totals = new Map<string, number>();
  const reader = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: process.env.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const current = async (TableName: string, Key: Record<string, AttributeValue>) =>
    (await reader.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
  const keyOf = (TableName: string, item: Record<string, AttributeValue>): Record<string, AttributeValue> =>
    TableName.endsWith('raw-notifications')
      ? { webhookId: item.webhookId as AttributeValue }
      : { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
  type Write = {
    TableName: string;
    Key?: Record<string, AttributeValue>;
    Item?: Record<string, AttributeValue>;
  };
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        TransactItems?: { Put?: Write; Update?: Write; Delete?: Write }[];
      } & Write;
      const command = String(context.commandName);
      const writes: { write: Write; kind: 'put' | 'update' | 'delete'; factor: number }[] = [];
      if (command === 'TransactWriteItemsCommand') {
        for (const item of input.TransactItems ?? []) {
          if (item.Put) writes.push({ write: item.Put, kind: 'put', factor: 2 });
          if (item.Update) writes.push({ write: item.Update, kind: 'update', factor: 2 });
          if (item.Delete) writes.push({ write: item.Delete, kind: 'delete', factor: 2 });
        }
      } else if (command === 'PutItemCommand') writes.push({ write: input, kind: 'put', factor: 1 });
      else if (command === 'UpdateItemCommand') writes.push({ write: input, kind: 'update', factor: 1 });
      else if (command === 'DeleteItemCommand') writes.push({ write: input, kind: 'delete', factor: 1 });
      const before = await Promise.all(
        writes.map(({ write }) =>
          current(write.TableName, write.Key ?? keyOf(write.TableName, write.Item ?? {})).catch(
            () => undefined,
          ),
        ),
      );
      const result = await next(args);
      const after = await Promise.all(
        writes.map(({ write, kind }) =>
          kind === 'delete'
            ? Promise.resolve(undefined)
            : current(write.TableName, write.Key ?? keyOf(write.TableName, write.Item ?? {})).catch(
                () => undefined,
              ),
        ),
      );
      for (const [i, { write, factor }] of writes.entries()) {
        writeUnits(before[i], after[i], factor, totals, write.TableName.replace(/^pagoefectivo-local-/, ''));
      }
      return result;
    },
    { step: 'serialize', priority: 'low', name: 'benchWriteUnits' },
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
  /** The bench's one-seller order request (bench/run.ts); the two-seller one is made from it. */
  orderRequest: () => CreateOrderRequest,
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
  const create = (request: CreateOrderRequest) => post<Order>(`${apiUrl}/v1/orders`, request);
  /** Pays through the sandbox (a signed notification) and waits until the order is PAID. */
  const pay = async (order: Order) => {
    await post(`${sandboxUrl}/_sandbox/cips/${order.voucher.cip}/pay`, { copies: 1 });
    const deadline = Date.now() + 20_000;
    while ((await get<Order>(`/v1/orders/${order.id}`)).status !== 'PAID' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  for (let i = 0; i < ORDERS; i++) {
    await settle();
    tap.take();
    const order = await create(orderRequest());
    await settle();
    steps.create?.push(tap.take());
    await pay(order);
    await settle();
    steps['pay (webhook)']?.push(tap.take());
    await post(`${apiUrl}/v1/orders/${order.id}/fulfil`, {});
    await settle();
    steps.fulfil?.push(tap.take());

    // A two-seller order, paid, then partly refunded and paid out: what the ledger costs.
    const twoSellers = await create({
      ...orderRequest(),
      splits: [
        { sellerId: 'bench-seller-a', amount: 9000, fee: 900 },
        { sellerId: 'bench-seller-b', amount: 6000, fee: 600 },
      ],
    });
    await settle();
    tap.take();
    await pay(twoSellers);
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
  const columns = ['table', ...TABLE.indexes.map((index) => `table/${index.name}`), 'raw-notifications'];
  console.log(
    `\n## Write units per order transition (computed by AWS's rules from each write and the item it replaces, mean of ${ORDERS} orders)\n`,
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
