import type { Context } from 'aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { lambdaHandler } from '#platform/lambda-handler';
import { logger } from '#platform/powertools';
import { invokeHandler, lambdaContext, serveInvocationsConcurrently } from '../../local/lambda-context';

// Building a handler parses the environment, as in Lambda's init; Lambda always sets the region.
process.env.AWS_REGION ??= 'us-east-1';

/**
 * Two functions' invocations overlapping, as on the local stack: `deliver-webhooks` logs after
 * `list-orders` has started (and finished). Each line names the function that logged it.
 */
async function overlapping(
  call: (
    handler: (event: unknown, context: Context) => Promise<unknown>,
    context: Context,
  ) => Promise<unknown>,
) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Each sets WARN itself: Powertools resets the level to the tests' SILENT as an invocation starts.
  const delivery = lambdaHandler(async () => {
    await gate;
    logger.setLogLevel('WARN');
    logger.warn('record failed');
  });
  const listing = lambdaHandler(async () => {
    logger.setLogLevel('WARN');
    logger.warn('listed');
  });
  // What the Logger prints (one JSON line per call), from the console it prints to.
  const printed: string[] = [];
  const { console: printer } = logger as unknown as { console: Console };
  const warn = vi.spyOn(printer, 'warn').mockImplementation((line: string) => {
    printed.push(line);
  });
  try {
    const first = call(delivery, lambdaContext('deliver-webhooks'));
    await call(listing, lambdaContext('list-orders'));
    release();
    await first;
  } finally {
    logger.setLogLevel('SILENT');
    warn.mockRestore();
  }
  const lines = printed.map((line) => JSON.parse(line) as { message: string; function_name?: string });
  return Object.fromEntries(lines.map((line) => [line.message, line.function_name]));
}

describe("the local stack's invocations, each in its own Lambda context", () => {
  afterAll(() => {
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  });

  it('called directly, one Logger carries the context of whichever invocation started last (the check below can fail)', async () => {
    const names = await overlapping((handler, context) => invokeHandler(handler, context, {}));
    expect(names).toEqual({ listed: 'list-orders', 'record failed': 'list-orders' });
  });

  it('served concurrently (npm start), each line names the function that logged it', async () => {
    const names = await serveInvocationsConcurrently(() =>
      overlapping((handler, context) => invokeHandler(handler, context, {})),
    );
    expect(names).toEqual({ listed: 'list-orders', 'record failed': 'deliver-webhooks' });
  });
});
