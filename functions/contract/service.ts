/**
 * What the Lambda code and the infrastructure must agree on beside the routes: the service's name
 * and metrics namespace, the providers a stage may sell through, and the answers API Gateway gives
 * itself (problem+json). Plain data, importing nothing (decision 98).
 */

/** The service's name in logs, metrics and tags, and its metrics namespace: one place for both. */
export const SERVICE = {
  name: 'pagoefectivo-marketplace',
  metricsNamespace: 'PagoEfectivoMarketplace',
} as const;

/** Who may issue a stage's vouchers (docs/providers.md); psp/provider.ts is their interface. */
export const PROVIDERS = ['pagoefectivo', 'dlocal'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * Who may run a stage's mobile-wallet payment option (Yape, Plin, …; decision 103): Culqi's QR
 * orders on a PagoEfectivo stage, dLocal's Yape redirect on a dLocal one (`WALLET_PROVIDER`).
 */
export const WALLET_PROVIDERS = ['culqi', 'dlocal'] as const;
export type WalletProviderName = (typeof WALLET_PROVIDERS)[number];
/** Every provider an order's payment option can be run by (cash or wallet). */
export const PAYMENT_PROVIDERS = ['pagoefectivo', 'dlocal', 'culqi'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];
/** The ways a buyer can pay an order: a cash voucher (CIP) or a mobile wallet. */
export const PAYMENT_METHODS = ['cash', 'wallet'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** An unpaid order is expired this long after its deadline, unless a stage says otherwise. */
export const DEFAULT_EXPIRY_GRACE_SECONDS = 120;

/**
 * What API Gateway itself answers (before any handler runs), as problem+json. The service stack
 * turns these into gateway responses; the local API server answers the very same bodies.
 */
export const GATEWAY_PROBLEMS = {
  unauthorized: { status: 401, code: 'unauthorized', detail: 'Missing or invalid API key.' },
  /** API Gateway cannot tell an unknown path from an unknown method: both are this 404. */
  noSuchRoute: { status: 404, code: 'not_found', detail: 'No such route; see /openapi.json.' },
  badRequest: { status: 400, code: 'bad_request', detail: 'The request could not be read.' },
  /** A body over what the API takes (API Gateway's 10 MB; the local server's 6 MiB). */
  payloadTooLarge: { status: 413, code: 'payload_too_large', detail: 'Body too large.' },
  apiKeyNotEnabled: {
    status: 403,
    code: 'api_key_not_enabled',
    detail:
      'This API key is not enabled for this API (no usage plan); issue a new one with npm run api-key:create.',
  },
  throttled: { status: 429, code: 'throttled', detail: 'Too many requests for this API key; retry shortly.' },
  internalError: { status: 500, code: 'internal_error', detail: 'Something went wrong on our side.' },
  /**
   * Storage (or the authorizer reading API keys from it) did not answer: a handler's AWS call timed
   * out, was throttled or could not connect (platform/problem.ts), or the authorizer failed (its
   * gateway responses in CDK). Sent with Retry-After; never a 401, so no client thinks its key revoked.
   */
  serviceUnavailable: {
    status: 503,
    code: 'service_unavailable',
    detail:
      'A service we depend on did not answer in time. Retry after Retry-After seconds (with the same Idempotency-Key for a create).',
  },
  /** The WAF's per-IP rate rules (a custom response; Retry-After says when to come back). */
  rateLimited: {
    status: 429,
    code: 'rate_limited',
    detail: 'Too many requests from this address; retry after the time in Retry-After.',
  },
  /** Any other WAF block (managed rule groups, the PSP allowlist); API Gateway's WAF_FILTERED too. */
  forbidden: { status: 403, code: 'forbidden', detail: 'The request was refused by the firewall.' },
} as const;

/** Retry-After (seconds) sent with `serviceUnavailable`, by the handlers and by API Gateway alike. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
