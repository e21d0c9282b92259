import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { idempotentOperation } from '#http/idempotency';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { ConflictError } from '#platform/errors';
import { throwIfClaimLost } from '#store/idempotency-records';

/** Idempotency-Key handling against DynamoDB Local (decision 62): the store's conditions are the point. */

const request = (key: string, keyId = 'key_test') =>
  ({
    headers: { 'Idempotency-Key': key },
    requestContext: { authorizer: { keyId } },
  }) as unknown as APIGatewayProxyEvent;

const lambdaContext = (remainingMs = 20_000) =>
  ({ awsRequestId: 'r-1', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

/** An operation whose runs are counted, and which can be held open until the test says. */
function countedOperation() {
  const operation = `test-${randomUUID()}`;
  let runs = 0;
  let hold: Promise<void> | undefined;
  const once = idempotentOperation(operation, async (input: { amount: number }) => {
    runs += 1;
    if (hold) await hold;
    if (input.amount < 0) throw new Error('refused by the use case');
    return { id: `thing_${runs}`, amount: input.amount };
  });
  return {
    operation,
    once,
    runs: () => runs,
    holdUntil: (gate: Promise<void>) => {
      hold = gate;
    },
  };
}

const conflictCode = (call: Promise<unknown>) =>
  call.then(
    () => 'no conflict',
    (error: unknown) => (error instanceof ConflictError ? error.code : String(error)),
  );

describe('Idempotency-Key', () => {
  it('answers a concurrent twin 409 in progress, then replays the first result without running again', async () => {
    const thing = countedOperation();
    let open = () => {};
    thing.holdUntil(new Promise<void>((resolve) => (open = resolve)));
    const key = `k-${randomUUID()}`;
    const body = { amount: 100, note: 'x' };

    const first = thing.once(request(key), lambdaContext(), body, { amount: 100 });
    await expect.poll(thing.runs).toBe(1);
    expect(await conflictCode(thing.once(request(key), lambdaContext(), body, { amount: 100 }))).toBe(
      'idempotency_in_progress',
    );
    open();
    expect(await first).toEqual({ id: 'thing_1', amount: 100 });

    // Same body with its keys in another order: the same request.
    const replay = await thing.once(
      request(key),
      lambdaContext(),
      { note: 'x', amount: 100 },
      { amount: 100 },
    );
    expect(replay).toEqual({ id: 'thing_1', amount: 100 });
    expect(thing.runs()).toBe(1);
  });

  it('refuses the key with another body, and keeps callers apart', async () => {
    const thing = countedOperation();
    const key = `k-${randomUUID()}`;
    await thing.once(request(key), lambdaContext(), { amount: 1 }, { amount: 1 });
    expect(await conflictCode(thing.once(request(key), lambdaContext(), { amount: 2 }, { amount: 2 }))).toBe(
      'idempotency_key_reused',
    );
    // Another API key using the same Idempotency-Key is another request.
    const other = await thing.once(request(key, 'key_other'), lambdaContext(), { amount: 2 }, { amount: 2 });
    expect(other).toEqual({ id: 'thing_2', amount: 2 });
    expect(thing.runs()).toBe(2);
  });

  it('leaves no record when the call fails, so the same key can be retried', async () => {
    const thing = countedOperation();
    const key = `k-${randomUUID()}`;
    await expect(thing.once(request(key), lambdaContext(), { amount: -1 }, { amount: -1 })).rejects.toThrow(
      'refused by the use case',
    );
    expect(await records(thing.operation)).toEqual([]);
    // The key is free again, even for a corrected body.
    expect(await thing.once(request(key), lambdaContext(), { amount: 5 }, { amount: 5 })).toEqual({
      id: 'thing_2',
      amount: 5,
    });
  });

  it('lets a retry take over a claim whose invocation died, once its deadline has passed', async () => {
    const thing = countedOperation();
    thing.holdUntil(new Promise<void>(() => {})); // the first invocation never finishes
    const key = `k-${randomUUID()}`;
    void thing.once(request(key), lambdaContext(1), { amount: 7 }, { amount: 7 });
    await expect.poll(thing.runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    thing.holdUntil(Promise.resolve());
    expect(await thing.once(request(key), lambdaContext(), { amount: 7 }, { amount: 7 })).toEqual({
      id: 'thing_2',
      amount: 7,
    });
  });

  it('commits the record with the effect, and a taken-over claim cancels the effect instead of doubling it', async () => {
    const operation = `test-${randomUUID()}`;
    let gate: Promise<void> = new Promise(() => {});
    let runs = 0;
    // The effect: one item, written in a transaction with the record's completion (decision 71).
    const once = idempotentOperation<{ id: string }, { id: string; run: number }>(
      operation,
      async (input, completion) => {
        const run = ++runs;
        if (run === 1) await gate;
        const result = { id: input.id, run };
        const items = [
          { Put: { TableName: tableName(), Item: { pk: `TEST#${input.id}`, sk: `RUN#${run}` } } },
          ...completion(result),
        ];
        try {
          await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
        } catch (error) {
          throwIfClaimLost(error, items);
          throw error;
        }
        return result;
      },
    );
    const key = `k-${randomUUID()}`;
    const id = randomUUID();
    let open = () => {};
    gate = new Promise<void>((resolve) => (open = resolve));
    // The first invocation stalls past its 1 ms lock; a retry takes the key over and commits.
    const first = conflictCode(once(request(key), lambdaContext(1), { id }, { id }));
    await expect.poll(() => runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await once(request(key), lambdaContext(), { id }, { id })).toEqual({ id, run: 2 });
    // The stalled one wakes up: its transaction fails on the record, so its effect never happens.
    open();
    expect(await first).toBe('idempotency_in_progress');
    const effect = async (run: number) =>
      (
        await dynamo().send(
          new GetCommand({ TableName: tableName(), Key: { pk: `TEST#${id}`, sk: `RUN#${run}` } }),
        )
      ).Item;
    expect(await effect(1)).toBeUndefined();
    expect(await effect(2)).toBeDefined();
    // And the key replays the committed result, without a record written afterwards.
    expect(await once(request(key), lambdaContext(), { id }, { id })).toEqual({ id, run: 2 });
    expect(runs).toBe(2);
    const [record] = await records(operation);
    expect(record).toMatchObject({ status: 'COMPLETED', result: JSON.stringify({ id, run: 2 }) });
  });

  it('stores hashes and the result, never the key itself, with a one-day TTL', async () => {
    const thing = countedOperation();
    const key = `k-${randomUUID()}`;
    await thing.once(request(key), lambdaContext(), { amount: 3 }, { amount: 3 });
    const [record] = await records(thing.operation);
    expect(record).toMatchObject({ status: 'COMPLETED', result: '{"id":"thing_1","amount":3}' });
    expect(JSON.stringify(record)).not.toContain(key);
    const ttl = Number(record?.ttl) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });
});

/** The operation's records: the key in the table is a hash, so look for the operation's prefix. */
async function records(operation: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': `IDEMPOTENCY#${operation}#` },
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return found;
}
