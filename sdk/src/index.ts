/**
 * The marketplace backend's client for this API: types generated from the API's own
 * `/openapi.json` (openapi-typescript → src/openapi.ts, `npm run sdk:generate`), requests by
 * openapi-fetch, and what every caller would otherwise write by hand: the API key, an
 * `Idempotency-Key` on every POST, safe retries (network errors, 5xx, 429 honouring
 * `Retry-After`), problem+json as a typed error, cursor pages as an async iterator, and a verifier
 * for the signed webhooks we send. Runs on Node ≥ 20 and in browsers (fetch, Web Crypto) once
 * compiled: this file is the package's entry as TypeScript source, for tsx or a bundler (README).
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import { Webhook } from 'standardwebhooks';
import type { components, paths } from './openapi';

export type { components, paths } from './openapi';
export type Order = components['schemas']['Order'];
export type Refund = components['schemas']['Refund'];
export type Payout = components['schemas']['Payout'];
export type Problem = components['schemas']['Problem'];
export type WebhookEvent = components['schemas']['EventPage']['items'][number];

export interface ClientOptions {
  /** The stage's API URL, e.g. `https://abc123.execute-api.us-east-1.amazonaws.com/prod`. */
  baseUrl: string;
  apiKey: string;
  /** Retries after the first try (network errors, 5xx, 429). Default 3. */
  maxRetries?: number;
  /** First backoff when no Retry-After is given, doubled each time (with jitter). Default 500 ms. */
  retryBaseMs?: number;
  /** Longest wait between tries, whatever Retry-After says. Default 30 s. */
  maxRetryDelayMs?: number;
  fetch?: (request: Request) => Promise<Response>;
}

/** Any non-2xx answer: the API's problem+json, typed. */
export class PagoEfectivoApiError extends Error {
  readonly status: number;
  /** Stable machine-readable code, e.g. `validation_failed`, `reference_taken`, `not_found`. */
  readonly code: string;
  /** For validation errors: each offending field and what is wrong with it. */
  readonly fields: { field: string; message: string }[];
  readonly problem: Problem | undefined;
  /** Seconds the server asked to wait (429). */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfter: number | undefined) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'PagoEfectivoApiError';
    this.status = status;
    this.code = problem?.code ?? `http_${status}`;
    this.fields = problem?.errors ?? [];
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** Seconds (or an HTTP date) from a Retry-After header; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * May this request be sent again? A 429 was refused before anything happened: always. After a
 * network error or a 5xx the first try may have taken effect, so only requests that are safe to
 * repeat: reads, PUT/DELETE, and POSTs carrying an Idempotency-Key (the API replays the first
 * answer for the same key and body instead of acting twice).
 */
function mayRetry(request: Request, status: number | 'network'): boolean {
  if (status === 429) return true;
  if (status !== 'network' && status < 500) return false;
  return RETRYABLE_METHODS.has(request.method) || request.headers.has('idempotency-key');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryingFetch(
  options: Required<Pick<ClientOptions, 'maxRetries' | 'retryBaseMs' | 'maxRetryDelayMs'>> & {
    fetch: (request: Request) => Promise<Response>;
  },
) {
  return async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const backoff = () =>
        Math.min(options.maxRetryDelayMs, options.retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2));
      let response: Response;
      try {
        // A Request's body can be read once: each try sends a copy.
        response = await options.fetch(request.clone());
      } catch (error) {
        if (attempt >= options.maxRetries || !mayRetry(request, 'network')) throw error;
        await sleep(backoff());
        continue;
      }
      if (response.ok || attempt >= options.maxRetries || !mayRetry(request, response.status))
        return response;
      const asked = retryAfterSeconds(response.headers.get('retry-after'));
      await response.body?.cancel();
      await sleep(asked === undefined ? backoff() : Math.min(options.maxRetryDelayMs, asked * 1000));
    }
  };
}

/**
 * Adds the key and idempotency, and turns every non-2xx answer into a PagoEfectivoApiError, so a
 * call either gives its typed `data` or throws.
 */
function apiMiddleware(apiKey: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${apiKey}`);
      // Every POST gets a key unless the caller chose one: its retries then cannot create twice.
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
        request.headers.set('idempotency-key', crypto.randomUUID());
      }
      return request;
    },
    async onResponse({ response }) {
      if (response.ok || response.status === 304) return response;
      const type = response.headers.get('content-type') ?? '';
      const problem = /json/.test(type)
        ? ((await response.json().catch(() => undefined)) as Problem)
        : undefined;
      throw new PagoEfectivoApiError(
        response.status,
        problem,
        retryAfterSeconds(response.headers.get('retry-after')),
      );
    },
  };
}

export type PagoEfectivoClient = Client<paths>;

/**
 * A typed client: `client.POST('/v1/orders', { body })`, `client.GET('/v1/orders/{id}', { params:
 * { path: { id } } })`; paths, parameters, bodies and answers are checked against the API's
 * document. Non-2xx answers throw PagoEfectivoApiError; wrap a call in `data()` to get its body.
 */
export function createClient(options: ClientOptions): PagoEfectivoClient {
  const client = createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: retryingFetch({
      fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
      maxRetries: options.maxRetries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    }),
  });
  client.use(apiMiddleware(options.apiKey));
  return client;
}

/**
 * The body of a call that succeeded (the client throws for the rest). A success without a body
 * (204, e.g. a deleted webhook endpoint) resolves to undefined: it is not an error.
 */
export async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const result = await call;
  if (result.data === undefined) {
    if (result.response.ok) return undefined as T;
    throw new PagoEfectivoApiError(result.response.status, undefined, undefined);
  }
  return result.data;
}

/**
 * Every item of a cursor-paged listing: `for await (const order of pages((cursor) =>
 * client.GET('/v1/orders', { params: { query: { cursor, limit: 100 } } })))`. Stops when
 * `nextCursor` is null (the event feed's `after` cursor never ends: read it page by page instead).
 */
export async function* pages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: { items: T[]; nextCursor?: string | null } }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = (await fetchPage(cursor)).data;
    if (page === undefined) return;
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * Verifies one of our signed webhooks (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against the endpoint's `whsec_…` secret and returns the event. Pass the
 * body exactly as received (a string or bytes, before any JSON parsing). Throws when the
 * signature is wrong, the timestamp is more than 5 minutes away, or a header is missing; during
 * a secret rotation either secret's signature is accepted. The event's `id` is its `webhook-id`.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined> | Headers,
  body: string | Uint8Array,
): WebhookEvent {
  const get = (name: string): string => {
    const value =
      headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
    return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  };
  const payload = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const id = get('webhook-id');
  const event = new Webhook(secret).verify(payload, {
    'webhook-id': id,
    'webhook-timestamp': get('webhook-timestamp'),
    'webhook-signature': get('webhook-signature'),
  }) as Omit<WebhookEvent, 'id'>;
  // The body carries type, timestamp and data; the event's id is the signed `webhook-id` header
  // (stable across retries and redeliveries: the key to deduplicate on).
  return { ...event, id } as WebhookEvent;
}
