import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { dynamoClient, sqs } from '#platform/aws';

/**
 * A fault injector for the crash-at-every-write-boundary harness (decision 71). Inside
 * `recordCalls`, every call this process makes to DynamoDB, SQS (a middleware on the shared
 * clients of #platform/aws, around the SDK's own retries: one logical call, one count) and the PSP
 * (`fetch`, which psp/http-call.ts uses) is counted; the plan makes the n-th one fail:
 * - `before`: the call never reaches the service (nothing happened);
 * - `after`: the call succeeded and its answer is lost (the interesting "crash between writes").
 * - `conflict` (a DynamoDB transaction only): DynamoDB cancels it, nothing written, because another
 *   transaction touched one of its items at that moment — `TransactionCanceledException` with the
 *   reason `TransactionConflict` on its last item and `None` on the others, as DynamoDB answers.
 *   DynamoDB Local runs transactions one at a time and never answers this, so the injector does
 *   (a stand-in for what cannot be produced locally on demand).
 * With `crash`, every call after the fault fails too, before it is sent: the invocation died
 * there and nothing more of it reaches the outside (its `finally`s and catch blocks included).
 * Without, only that call fails and the code's own error handling runs.
 */
export interface FaultPlan {
  at: number;
  when: 'before' | 'after' | 'conflict';
  crash: boolean;
}

/** The name the injector records a DynamoDB transaction's call by (the ones `conflict` applies to). */
export const TRANSACTION_CALL = 'dynamodb.TransactWriteItemsCommand';

export class InjectedFault extends Error {
  constructor(call: string) {
    super(`injected fault at ${call}`);
    this.name = 'InjectedFault';
  }
}

interface Recording {
  calls: string[];
  plan: FaultPlan | undefined;
  fired: boolean;
}

const current = new AsyncLocalStorage<Recording>();

/** Runs `call` under `plan` (or none: a clean run), and says which calls it made. */
export async function recordCalls<T>(
  plan: FaultPlan | undefined,
  call: () => Promise<T>,
): Promise<{ outcome: T | InjectedFault | Error; calls: string[]; fired: boolean }> {
  const recording: Recording = { calls: [], plan, fired: false };
  const outcome = await current.run(recording, () =>
    call().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  );
  return { outcome, calls: recording.calls, fired: recording.fired };
}

/** Counts one call of the recording in scope; throws when the plan says so. */
async function around<T>(name: string, send: () => Promise<T>, input?: unknown): Promise<T> {
  const recording = current.getStore();
  if (recording === undefined) return send();
  recording.calls.push(name);
  const n = recording.calls.length;
  const plan = recording.plan;
  if (plan === undefined) return send();
  if (recording.fired && plan.crash) throw new InjectedFault(`${name} (#${n}, after the crash)`);
  if (n !== plan.at) return send();
  recording.fired = true;
  if (plan.when === 'before') throw new InjectedFault(`${name} (#${n}, before sending)`);
  if (plan.when === 'conflict') throw transactionConflict(name, input);
  await send();
  throw new InjectedFault(`${name} (#${n}, after it succeeded)`);
}

/** DynamoDB's answer to a transaction cancelled by a conflict on its last item. */
function transactionConflict(name: string, input: unknown): Error {
  const items = (input as { TransactItems?: unknown[] } | undefined)?.TransactItems;
  if (items === undefined) throw new Error(`a conflict was planned at ${name}, which is not a transaction`);
  const reasons = items.map((_, i) => (i === items.length - 1 ? 'TransactionConflict' : 'None'));
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons.map((Code) =>
      Code === 'None' ? { Code } : { Code, Message: 'Transaction is ongoing for the item' },
    ),
  });
}

const installed = new WeakSet<object>();

function install(stack: MiddlewareStack<object, object>, service: string): void {
  if (installed.has(stack)) return;
  installed.add(stack);
  stack.add(
    (next, context) => (args) =>
      around(
        `${service}.${String((context as { commandName?: string }).commandName)}`,
        () => next(args),
        (args as { input?: unknown }).input,
      ),
    { step: 'initialize', name: 'crashHarnessFaults', priority: 'high' },
  );
}

/**
 * Installs the injector on this process's clients (call again after `resetAwsClientsForTests`:
 * new clients) and on `fetch`. Outside `recordCalls` it changes nothing.
 */
export function installFaultInjector(): void {
  install(dynamoClient().middlewareStack as unknown as MiddlewareStack<object, object>, 'dynamodb');
  install(sqs().middlewareStack as unknown as MiddlewareStack<object, object>, 'sqs');
  const fetchBefore = globalThis.fetch;
  if (installed.has(fetchBefore)) return;
  const faulty: typeof fetch = (input, init) =>
    around(
      `psp.${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`,
      () => fetchBefore(input, init),
    );
  installed.add(faulty);
  globalThis.fetch = faulty;
}
