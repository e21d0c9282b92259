import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
// zod/mini (decision 57): the creating routes load no classic zod for the header's check.
import * as z from 'zod/mini';
import { nowMs } from '#platform/clock';
import { ConflictError, ValidationError } from '#platform/errors';
import { callerScope, header } from '#platform/http';
import { logger } from '#platform/powertools';
import { schema } from '#platform/schema';
import {
  type CompletionWrites,
  type IdempotencyClaim,
  idempotencyRecords,
  noCompletion,
} from '#store/idempotency-records';

/** Keys live a day: long enough for any client retry loop, short enough to bound the table. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

const IdempotencyKeySchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.minLength(8), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/)),
);

const hash = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * A parsed JSON body written with every object's keys sorted, so the same body sent in another
 * key order has the same fingerprint. (A library for this carried 7 KiB of cases — cycles,
 * BigInt, options — that a parsed request body never has, into every creating function.)
 */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${sortedJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` for a POST that creates something, stored in our single table
 * (store/idempotency-records.ts, one day; decision 62). With the header, the same caller + key +
 * body replays the first result; another body under that key → 409 `idempotency_key_reused`; a
 * concurrent twin → 409 `idempotency_in_progress`; a call that fails leaves no record, so the
 * client may retry. Without it, `run` simply runs. `run`'s result is what gets stored and
 * replayed, so it must be JSON.
 *
 * `run` gets `completion`: the writes that complete the record with its result, to be committed
 * in the very transaction that commits its effect (decision 71) — a crash between two separate
 * writes would leave an effect whose key a retry runs again. A `run` that commits them must pass
 * the result it returns; one that never asks for them gets the record completed in a write of its
 * own afterwards.
 */
export function idempotentOperation<TInput, TResult>(
  operation: string,
  run: (input: TInput, completion: CompletionWrites<TResult>) => Promise<TResult>,
) {
  return async (
    event: APIGatewayProxyEvent,
    context: Context,
    /** The JSON as sent: a reused key with another body (key order aside) is a conflict. */
    body: unknown,
    /** That body already validated, so it is not parsed again. */
    input: TInput,
  ): Promise<TResult> => {
    const idempotencyKey = header(event, 'idempotency-key');
    if (idempotencyKey === undefined) return run(input, noCompletion);
    if (!IdempotencyKeySchema.safeParse(idempotencyKey).success) {
      throw new ValidationError([
        { field: 'header.Idempotency-Key', message: 'Use 8-128 printable ASCII characters without spaces.' },
      ]);
    }
    const now = nowMs();
    const claim: IdempotencyClaim = {
      operation,
      // The caller's, not the API key's (decision 133): a retry sent with the marketplace's new key
      // after a rotation, or by the same person's other key, replays instead of running twice.
      keyHash: hash(JSON.stringify([callerScope(event), idempotencyKey])),
      fingerprint: hash(sortedJson(body)),
      // Held until this invocation's deadline: a claim whose Lambda died can be retried after it.
      lockedUntil: now + context.getRemainingTimeInMillis(),
      ttl: Math.floor(now / 1000) + IDEMPOTENCY_WINDOW_SECONDS,
    };
    const held = await idempotencyRecords.claim(claim, now);
    if (held.state !== 'claimed') {
      if (held.fingerprint !== claim.fingerprint) {
        throw new ConflictError(
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different body. Use a new key for a new request.',
        );
      }
      if (held.state === 'in-progress') {
        throw new ConflictError(
          'idempotency_in_progress',
          'A request with this Idempotency-Key is still being processed. Retry in a few seconds.',
        );
      }
      return held.result as TResult;
    }
    let inEffectTransaction = false;
    const completion: CompletionWrites<TResult> = (result) => {
      inEffectTransaction = true;
      return [idempotencyRecords.completion(claim, result)];
    };
    let result: TResult;
    try {
      result = await run(input, completion);
    } catch (error) {
      // The caller sees the call's own error; a record left behind only holds the key until
      // `lockedUntil`, after which a retry takes it over.
      await idempotencyRecords.release(claim).catch((releaseError: unknown) => {
        logger.warn('idempotency claim not released', { operation, error: releaseError });
      });
      throw error;
    }
    if (!inEffectTransaction) await idempotencyRecords.complete(claim, result);
    return result;
  };
}
