import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { CreateOrderRequest } from '#orders/create-order-request';

export const stack = () => inject('localStack');

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: {
    body?: unknown;
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
    auth?: boolean;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.auth !== false && url.startsWith(stack().apiUrl))
    headers.authorization ??= `Bearer ${stack().apiKey}`;
  const response = await fetch(url, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

export const api = <T = Record<string, unknown>>(
  method: string,
  path: string,
  options?: Parameters<typeof http>[2],
) => http<T>(method, `${stack().apiUrl}${path}`, options);
/** The local stack's "now" (the test clock, which serial tests move forward). */
export async function stackNow(): Promise<Date> {
  const response = await api<{ now: string }>('POST', '/_local/clock', {
    body: { advanceSeconds: 0 },
    auth: false,
  });
  return new Date(response.body.now);
}

/** A CCI whose check digits are right: where test refunds and payouts send money. */
export const TEST_CCI = '00219300153895206813';
/** A refund's destination that passes validation (a Peruvian bank account by CCI). */
export const bankDestination = {
  type: 'bank_account',
  cci: TEST_CCI,
  holderName: 'Ana Núñez',
  documentType: 'DNI',
  documentNumber: '45678912',
};

/** Calls the API with another key than the default one (another person, a seller's own key). */
export const asKey =
  (apiKey: string) =>
  <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    http<T>(method, `${stack().apiUrl}${path}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      ...(body === undefined ? {} : { body }),
    });

export const sandbox = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  http<T>(method, `${stack().sandboxUrl}${path}`, { body });

/** A valid order request; every test makes its own reference so tests never share data. */
export function orderRequest(overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest {
  return {
    reference: `mkt-${randomUUID()}`,
    currency: 'PEN',
    amount: 15000,
    concept: 'Zapatillas de running',
    buyer: {
      email: 'ana.nunez@example.pe',
      firstName: 'Ana María',
      lastName: 'Núñez Peña',
      documentType: 'DNI',
      // A buyer per order: tests share one stack, and its risk rules count per buyer (open vouchers).
      documentNumber: String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
      phone: '+51987654321',
    },
    splits: [
      { sellerId: 'seller-a', amount: 10000, fee: 1000 },
      { sellerId: 'seller-b', amount: 5000, fee: 500 },
    ],
    expiresInMinutes: 1440,
    metadata: { channel: 'web' },
    ...overrides,
  };
}

/**
 * Polls until `check` returns a value. Bounded at 20 s: most conditions hold within a second or
 * two here; the margin is for a loaded CI machine, and costs nothing when the condition holds.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
