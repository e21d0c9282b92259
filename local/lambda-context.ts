import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '#lib/topology';

/** A Lambda context for running a handler in-process, with its real timeout from topology. */
export function lambdaContext(name: FunctionName): Context {
  const deadline = Date.now() + FUNCTIONS[name].timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(FUNCTIONS[name].memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: handlers of every event type are loaded through one door
type AnyHandler = (event: any, context: Context) => Promise<any>;
const loaded = new Map<FunctionName, AnyHandler>();

/** Imports the very module that is bundled for Lambda and returns its `handler`. */
export async function loadHandler(name: FunctionName): Promise<AnyHandler> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const module = (await import(/* @vite-ignore */ `../${FUNCTIONS[name].entry}`)) as { handler?: AnyHandler };
  if (typeof module.handler !== 'function') throw new Error(`${FUNCTIONS[name].entry} exports no handler`);
  loaded.set(name, module.handler);
  return module.handler;
}

/**
 * The local stack serves every function in one process, many invocations at once; Powertools'
 * Logger is one object there, and by default keeps one Lambda context and one set of keys for the
 * whole process — a line logged by one invocation would name the function (and correlation id) of
 * whichever invocation started last. Lambda's runtime has the answer for an environment serving
 * invocations concurrently (`AWS_LAMBDA_MAX_CONCURRENCY`): an invoke context per invocation
 * (`@aws/lambda-invoke-store`, in which Powertools then keeps context, keys and metrics). This
 * turns that on for this process; code running outside any invocation gets one context of its own.
 * `npm start` calls it (local/start.ts); tests calling handlers directly leave it off.
 */
export async function serveInvocationsConcurrently<T>(outsideInvocations: () => Promise<T>): Promise<T> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  const store = await InvokeStore.getInstanceAsync(true);
  return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'local-stack' }, outsideInvocations);
}

/** One invocation of function `name`, as Lambda makes it (below). */
export async function invoke<Result = unknown>(name: FunctionName, event: unknown): Promise<Result> {
  return invokeHandler(await loadHandler(name), lambdaContext(name), event) as Promise<Result>;
}

/**
 * Calls `handler` as Lambda does: with its context and — where invocations are served
 * concurrently (above) — in an invoke context of its own.
 */
export async function invokeHandler(handler: AnyHandler, context: Context, event: unknown): Promise<unknown> {
  const run = () => handler(event, context);
  if (!('AWS_LAMBDA_MAX_CONCURRENCY' in process.env)) return run();
  const store = await InvokeStore.getInstanceAsync();
  return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, run);
}
