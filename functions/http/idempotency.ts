import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
// zod/mini (decision 57): the creating routes load no classic zod for the header's check.
import * as z from 'zod/mini';
import { ConflictError, ValidationError } from '#platform/errors';
import { header } from '#platform/http';
import { schema } from '#platform/schema';
import { idempotencyRecords } from '#store/idempotency-records';

/** Keys live a day: long enough for any client retry loop, short enough to bound the table. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

const IdempotencyKeySchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.minLength(8), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/)),
);

/** What Powertools stores a record under: (caller, Idempotency-Key), checked against `body`. */
interface KeyedInput<TInput> {
  keyId: string;
  idempotencyKey: string;
  /** The JSON exactly as sent (key order aside): a reused key with another body is a conflict. */
  body: unknown;
  /** That body already validated, so it is not parsed again. */
  input: TInput;
}

/**
 * `Idempotency-Key` for a POST that creates something, through Powertools idempotency stored in
 * our single table (store/idempotency-records.ts, TTL one day). With the header, the same caller +
 * key + body replays the first result; another body under that key → 409
 * `idempotency_key_reused`; a concurrent twin → 409 `idempotency_in_progress`. Without it,
 * `run` simply runs. `run`'s result is what gets stored and replayed, so it must be JSON.
 */
export function idempotentOperation<TInput, TResult>(
  operation: string,
  run: (input: TInput) => Promise<TResult>,
) {
  let idempotentRun: ((keyed: KeyedInput<TInput>) => Promise<TResult>) | undefined;
  let idempotencyConfig: IdempotencyConfig | undefined;

  return async (
    event: APIGatewayProxyEvent,
    context: Context,
    body: unknown,
    input: TInput,
  ): Promise<TResult> => {
    const idempotencyKey = header(event, 'idempotency-key');
    if (idempotencyKey === undefined) return run(input);
    if (!IdempotencyKeySchema.safeParse(idempotencyKey).success) {
      throw new ValidationError([
        { field: 'header.Idempotency-Key', message: 'Use 8-128 printable ASCII characters without spaces.' },
      ]);
    }
    if (idempotentRun === undefined || idempotencyConfig === undefined) {
      idempotencyConfig = new IdempotencyConfig({
        eventKeyJmesPath: '[keyId, idempotencyKey]',
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
      });
      idempotentRun = makeIdempotent(async (keyed: KeyedInput<TInput>) => run(keyed.input), {
        persistenceStore: idempotencyRecords(operation),
        config: idempotencyConfig,
      });
    }
    idempotencyConfig.registerLambdaContext(context);
    const keyId = String(event.requestContext.authorizer?.keyId ?? 'anonymous');
    try {
      return await idempotentRun({ keyId, idempotencyKey, body, input });
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new ConflictError(
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different body. Use a new key for a new request.',
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new ConflictError(
          'idempotency_in_progress',
          'A request with this Idempotency-Key is still being processed. Retry in a few seconds.',
        );
      }
      throw error;
    }
  };
}
