import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { safeParse } from 'zod/mini';
import { grants, scopeOf, sellerKeysMayCall } from '#contract/routes';
import { RESERVE_MS, withDeadline } from './deadline';
import {
  type FieldProblem,
  ForbiddenError,
  JsonTooDeepError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
import { powertoolsMiddy } from './lambda-handler';
import { logger } from './powertools';
import { errorToResponse } from './problem';
import { cursorKey, openCursor, sealCursor } from './sealed-cursor';
import './zod-english';

export interface JsonResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as it is instead of `body` as JSON (e.g. CSV); give its content-type in `headers`. */
  text?: string;
}

export type HttpEndpoint = (event: APIGatewayProxyEvent, context: Context) => Promise<JsonResult>;

/** The raw request body as bytes, whatever way API Gateway delivered it. */
export function rawBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export function zodIssuesToFields(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter((part) => part !== undefined && part !== '').join('.');
    // A map key's own problem (e.g. a reserved metadata key) says more than zod's "Invalid key in record".
    const message =
      issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return { field: field === '' ? (prefix ?? 'body') : field, message };
  });
}

/** `application/json` or any `application/*+json`, parameters (charset) allowed. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * How deep a request body's objects and arrays may nest. Our deepest schema (an order's
 * `metadata` values, risk and splits) needs under 10 levels; 2,000 levels once overflowed the
 * stack in the recursive walk below and answered 500. Counted on the text, before any parser or
 * walker recurses.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of `[`/`{` in JSON text, outside strings: one linear pass, no recursion. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Where a parsed body holds a `__proto__` key: JSON allows it, but copying such an object (zod
 * does) silently drops it or swaps the prototype. Refused, so nothing is changed without a word.
 */
function prototypeKeyPaths(value: unknown, path: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => [
    ...(key === '__proto__' ? [[...path, key].join('.')] : []),
    ...prototypeKeyPaths((value as Record<string, unknown>)[key], [...path, key]),
  ]);
}

/**
 * The request body as parsed JSON (not yet validated): 415 unless it is declared JSON, a 400
 * naming `body` if there is none or it is not JSON. Routes without a body accept any (or no)
 * Content-Type, as clients commonly send one with an empty POST.
 */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  const bytes = rawBody(event);
  if (bytes.length > 0 && !JSON_MEDIA_TYPE.test(header(event, 'content-type') ?? '')) {
    throw new UnsupportedMediaTypeError('Send the body as JSON with `Content-Type: application/json`.');
  }
  const text = bytes.toString('utf8');
  if (jsonNestingDepth(text) > MAX_JSON_DEPTH) throw new JsonTooDeepError(MAX_JSON_DEPTH);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError(
      [{ field: 'body', message: 'Body is not valid JSON.' }],
      'The body is not valid JSON.',
    );
  }
  if (json === undefined) {
    throw new ValidationError([{ field: 'body', message: 'A JSON body is required.' }]);
  }
  const prototypeKeys = prototypeKeyPaths(json);
  if (prototypeKeys.length > 0) {
    throw new ValidationError(
      prototypeKeys.map((field) => ({ field, message: 'The key "__proto__" is not allowed.' })),
    );
  }
  return json;
}

/** Any zod schema, classic or zod/mini (decision 57): parsed with the function both APIs share. */
type Schema = z.core.$ZodType;

export function validate<S extends Schema>(json: unknown, schema: S): z.output<S> {
  const parsed = safeParse(schema, json);
  if (!parsed.success) throw new ValidationError(zodIssuesToFields(parsed.error.issues));
  return parsed.data;
}

export function parseJsonBody<S extends Schema>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  return validate(jsonBody(event), schema);
}

export function parseParams<S extends Schema>(
  values: Record<string, string | undefined> | null,
  schema: S,
  prefix: 'query' | 'path',
): z.output<S> {
  const parsed = safeParse(schema, values ?? {});
  if (!parsed.success) throw new ValidationError(zodIssuesToFields(parsed.error.issues, prefix));
  return parsed.data;
}

/** The seller a seller-bound API key belongs to (the authorizer says), or undefined for other keys. */
export function callerSellerId(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string | undefined {
  const sellerId = event.requestContext?.authorizer?.sellerId;
  return typeof sellerId === 'string' && sellerId !== '' ? sellerId : undefined;
}

/**
 * Who calls, as audit entries record it: the key (id and name) and the principal holding it (the
 * authorizer says; keys issued before principals are their own principal). Maker-checker compares
 * principals (decision 76).
 */
export function callerActor(event: Pick<APIGatewayProxyEvent, 'requestContext'>): {
  keyId: string;
  keyName: string;
  principal: string;
} {
  const authorizer = event.requestContext?.authorizer;
  const keyId = String(authorizer?.keyId ?? 'unknown');
  return {
    keyId,
    keyName: String(authorizer?.keyName ?? 'unknown'),
    principal: String(authorizer?.principal ?? keyId),
  };
}

/** For a seller key, what is not that seller's does not exist: the same 404 as a wrong id. */
export function hideFromOtherSellers(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  owner: (sellerId: string) => boolean,
  notFound: () => Error,
): void {
  const sellerId = callerSellerId(event);
  if (sellerId !== undefined && !owner(sellerId)) throw notFound();
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** Query parameters that carry a cursor this API handed out (the event feed calls it `after`). */
const CURSOR_PARAMETERS = ['cursor', 'after'] as const;

/**
 * Who the caller is, whichever of their keys (or sign-ins) they call with: the principal holding
 * the key and the seller it acts for. What is bound to a caller (a cursor, an Idempotency-Key)
 * is bound to this, so a person's second key is the same caller and a seller key never another.
 */
export function callerScope(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  return [callerActor(event).principal, callerSellerId(event) ?? ''].join('\n');
}

/** Whom a cursor is sealed for: the caller (principal and seller) and the listing's route. */
function cursorBinding(event: APIGatewayProxyEvent): string {
  return [callerScope(event), event.resource].join('\n');
}

async function requireCursorKey(): Promise<Buffer> {
  const key = await cursorKey();
  if (key === undefined) throw new Error('No cursor key: CURSOR_KEY_SECRET_ARN (AWS) or CURSOR_KEY (local).');
  return key;
}

/**
 * Every cursor crosses the API sealed for its caller (platform/sealed-cursor.ts, decision 76):
 * the ones coming in are opened before the endpoint sees them (400 naming the parameter when
 * one does not open), the ones going out (`nextCursor`, `x-next-cursor`) sealed. One choke point,
 * so no listing can hand out a readable or replayable cursor.
 */
async function withSealedCursors(
  event: APIGatewayProxyEvent,
  run: (event: APIGatewayProxyEvent) => Promise<JsonResult>,
): Promise<JsonResult> {
  const query = event.queryStringParameters ?? {};
  const incoming = CURSOR_PARAMETERS.filter((name) => (query[name] ?? '') !== '');
  let opened = event;
  // A function without the key serves no listing (lib/topology.ts `cursors`): the parameter means
  // nothing to it, and its own query schema answers for it.
  const key = incoming.length > 0 ? await cursorKey() : undefined;
  if (key !== undefined) {
    const parameters = { ...query };
    for (const name of incoming) {
      const inner = openCursor(key, cursorBinding(event), String(query[name]));
      if (inner === undefined) {
        throw new ValidationError([
          {
            field: `query.${name}`,
            message: 'Not a cursor this API returned to this caller for this listing.',
          },
        ]);
      }
      parameters[name] = inner;
    }
    opened = { ...event, queryStringParameters: parameters };
  }
  const result = await run(opened);
  const body = result.body as { nextCursor?: unknown } | null | undefined;
  const inBody = typeof body === 'object' && body !== null && typeof body.nextCursor === 'string';
  const inHeader = result.headers?.['x-next-cursor'];
  if (!inBody && inHeader === undefined) return result;
  const sealing = key ?? (await requireCursorKey());
  const seal = (cursor: string) => sealCursor(sealing, cursorBinding(event), cursor);
  return {
    ...result,
    ...(inBody ? { body: { ...(body as object), nextCursor: seal(String(body?.nextCursor)) } } : {}),
    ...(inHeader !== undefined ? { headers: { ...result.headers, 'x-next-cursor': seal(inHeader) } } : {}),
  };
}

function toResponse(result: JsonResult): APIGatewayProxyResult {
  if (result.text !== undefined) {
    return { statusCode: result.status, headers: { ...result.headers }, body: result.text };
  }
  // A 204 has no body, so it names no media type either.
  if (result.status === 204) return { statusCode: 204, headers: { ...result.headers }, body: '' };
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

/**
 * Every HTTP Lambda goes through here: Powertools logger context, typed-error → problem+json,
 * JSON response. Handlers only parse input, call their use case and describe the result.
 */
export function httpHandler(endpoint: HttpEndpoint) {
  return (
    powertoolsMiddy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      // Every log line carries API Gateway's request id (correlation_id), the one in the access log.
      // (Set directly: Powertools' correlationIdPath would bundle a JMESPath engine for one field.)
      .use({
        before: (request) => {
          logger.setCorrelationId(request.event.requestContext?.requestId);
        },
      })
      .use({
        // Least privilege per key: the route's scope (lib/topology.ts) must be among the key's.
        before: (request) => {
          const { event } = request;
          const needed = scopeOf(event.httpMethod, event.resource);
          const granted = String(event.requestContext?.authorizer?.scopes ?? '').split(' ');
          if (!grants(granted, needed)) {
            throw new ForbiddenError('insufficient_scope', `This API key lacks the scope ${needed}.`, {
              requiredScope: needed,
            });
          }
          if (callerSellerId(event) !== undefined && !sellerKeysMayCall(event.httpMethod, event.resource)) {
            throw new ForbiddenError(
              'seller_key_not_allowed',
              "A seller's key reads its own orders, balance, ledger, refunds and payouts only.",
            );
          }
        },
      })
      .use({
        onError: async (request) => {
          request.response = errorToResponse(request.error, request.context.awsRequestId);
        },
      })
      .handler(async (event, context) =>
        withDeadline(context.getRemainingTimeInMillis(), RESERVE_MS.http, async () =>
          toResponse(await withSealedCursors(event, (opened) => endpoint(opened, context))),
        ),
      )
  );
}
