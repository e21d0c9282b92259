import { randomUUID } from 'node:crypto';
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
