/**
 * The route contract: every HTTP route once, with its method, path, auth, scope and the function
 * that serves it, and the function names themselves. Plain data and types, importing nothing:
 * the floor below `platform/` (the authorizer's scope checks, `httpHandler`), the handlers (each
 * serves exactly its routes through `routeTo`, platform/router.ts), `/openapi.json`, and above
 * `functions/` the CDK app and the local stack (lib/topology.ts re-exports it) all read this one
 * table (decision 97).
 */

export type FunctionName =
  | 'authorizer'
  | 'create-order'
  | 'get-order'
  | 'get-voucher'
  | 'list-orders'
  | 'cancel-order'
  | 'add-payment-option'
  | 'extend-expiry'
  | 'openapi'
  | 'ingest-notification'
  | 'apply-payment'
  | 'list-anomalies'
  | 'ledger'
  | 'refunds'
  | 'resolve-anomaly'
  | 'fulfil-order'
  | 'accept-late-payment'
  | 'sync-pending'
  | 'expire-orders'
  | 'webhook-endpoints'
  | 'events'
  | 'dispatch-events'
  | 'deliver-webhooks'
  | 'settlements'
  | 'reconcile-upload'
  | 'check-unsettled'
  | 'payouts'
  | 'create-payouts'
  | 'risk-review'
  | 'voucher-page'
  | 'remind-expiring'
  | 'ledger-integrity';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What an API key may do. Each route needs one (below); a key holds a list, and `admin` is every
 * scope. Keys issued before scopes existed have none recorded and are `admin` (README, API keys).
 */
export const SCOPES = [
  'orders:read',
  'orders:write',
  'refunds:write',
  'refunds:approve',
  'ledger:read',
  'settlements:write',
  'payouts:write',
  'payouts:approve',
  'anomalies:write',
  'webhooks:manage',
  'events:read',
  'events:redeliver',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  function: FunctionName;
  /** `apiKey`: the Lambda authorizer checks a hashed bearer key. `signature`: the handler verifies it. */
  auth: 'apiKey' | 'none' | 'signature';
  /** The scope an API key needs for it (apiKey routes only). */
  scope?: Exclude<Scope, 'admin'>;
  /**
   * A seller-bound key may call it, and sees only that seller's data there (the handler filters:
   * someone else's order is a 404). Every other route refuses a seller key (403).
   */
  sellerKeys?: true;
}

/** The scopes a seller-bound key may hold: reading its own orders, balance, ledger and payouts. */
export const SELLER_KEY_SCOPES: readonly Scope[] = ['orders:read', 'ledger:read'];

/**
 * An API key's principal (the person or system holding it: an e-mail, `finance:maria`). `system:`
 * and `provider:` name our own actors (the payout schedule, a PSP's notifications): never a key's.
 */
export const PRINCIPAL_PATTERN = /^(?!system:|provider:)[A-Za-z0-9 ._:@-]{1,100}$/;

/** Whether a seller-bound key may call `method path`. */
export function sellerKeysMayCall(method: string, path: string): boolean {
  return ROUTES.find((route) => route.method === method && route.path === path)?.sellerKeys === true;
}

/** The scope `method path` needs, from ROUTES; undefined for routes without an API key. */
export function scopeOf(method: string, path: string): Scope | undefined {
  return ROUTES.find((route) => route.method === method && route.path === path)?.scope;
}

/**
 * Scopes that include another: a key that manages webhook endpoints may redeliver their events
 * (redelivery was part of `webhooks:manage` before `events:redeliver` existed, decision 131: keys
 * issued then keep it).
 */
const IMPLIED_BY: Partial<Record<Scope, Scope>> = { 'events:redeliver': 'webhooks:manage' };

/** Whether a key with `granted` scopes may use a route needing `needed`. */
export function grants(granted: readonly string[], needed: Scope | undefined): boolean {
  if (needed === undefined || granted.includes('admin') || granted.includes(needed)) return true;
  const implying = IMPLIED_BY[needed];
  return implying !== undefined && granted.includes(implying);
}

/**
 * Every HTTP route, once (ROUTES): API Gateway (lib/service-stack.ts), the local API server (local/) and
 * `/openapi.json` (functions/http/openapi-document.ts, one operation per `RouteKey`) are all
 * generated from this table, and the authorizer and handlers read each route's scope here.
 */
const ROUTE_TABLE = [
  { method: 'POST', path: '/v1/orders', function: 'create-order', auth: 'apiKey', scope: 'orders:write' },
  {
    method: 'GET',
    path: '/v1/orders',
    function: 'list-orders',
    auth: 'apiKey',
    scope: 'orders:read',
    sellerKeys: true,
  },
  {
    method: 'GET',
    path: '/v1/orders/{id}',
    function: 'get-order',
    auth: 'apiKey',
    scope: 'orders:read',
    sellerKeys: true,
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/payment-options',
    function: 'add-payment-option',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/cancel',
    function: 'cancel-order',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/extend-expiry',
    function: 'extend-expiry',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/fulfil',
    function: 'fulfil-order',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/accept-late-payment',
    function: 'accept-late-payment',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  {
    method: 'GET',
    path: '/v1/vouchers/{cip}',
    function: 'get-voucher',
    auth: 'apiKey',
    scope: 'orders:read',
    sellerKeys: true,
  },
  { method: 'GET', path: '/v1/anomalies', function: 'list-anomalies', auth: 'apiKey', scope: 'orders:read' },
  {
    method: 'POST',
    path: '/v1/orders/{id}/refunds',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'refunds:write',
  },
  {
    method: 'GET',
    path: '/v1/refunds',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'orders:read',
    sellerKeys: true,
  },
  {
    method: 'GET',
    path: '/v1/refunds/{id}',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'orders:read',
    sellerKeys: true,
  },
  {
    method: 'POST',
    path: '/v1/refunds/{id}/approve',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'refunds:approve',
  },
  {
    method: 'POST',
    path: '/v1/refunds/{id}/reject',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'refunds:approve',
  },
  {
    method: 'POST',
    path: '/v1/refunds/{id}/mark-paid',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'refunds:approve',
  },
  {
    method: 'POST',
    path: '/v1/refunds/{id}/mark-failed',
    function: 'refunds',
    auth: 'apiKey',
    scope: 'refunds:approve',
  },
  {
    method: 'GET',
    path: '/v1/sellers/{sellerId}/balance',
    function: 'ledger',
    auth: 'apiKey',
    scope: 'ledger:read',
    sellerKeys: true,
  },
  {
    method: 'GET',
    path: '/v1/sellers/{sellerId}/ledger',
    function: 'ledger',
    auth: 'apiKey',
    scope: 'ledger:read',
    sellerKeys: true,
  },
  {
    method: 'GET',
    path: '/v1/ledger/trial-balance',
    function: 'ledger',
    auth: 'apiKey',
    scope: 'ledger:read',
  },
  {
    method: 'GET',
    path: '/v1/ledger/integrity',
    function: 'ledger',
    auth: 'apiKey',
    scope: 'ledger:read',
  },
  {
    method: 'PUT',
    path: '/v1/sellers/{sellerId}/bank-account',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'payouts:write',
  },
  {
    method: 'GET',
    path: '/v1/sellers/{sellerId}/bank-account',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'ledger:read',
    sellerKeys: true,
  },
  { method: 'POST', path: '/v1/payouts', function: 'payouts', auth: 'apiKey', scope: 'payouts:write' },
  {
    method: 'GET',
    path: '/v1/payouts',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'ledger:read',
    sellerKeys: true,
  },
  {
    method: 'GET',
    path: '/v1/payouts/{id}',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'ledger:read',
    sellerKeys: true,
  },
  {
    method: 'POST',
    path: '/v1/payouts/{id}/approve',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'payouts:approve',
  },
  {
    method: 'POST',
    path: '/v1/payouts/{id}/reject',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'payouts:approve',
  },
  {
    method: 'POST',
    path: '/v1/payouts/{id}/mark-paid',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'payouts:approve',
  },
  {
    method: 'POST',
    path: '/v1/payouts/{id}/mark-failed',
    function: 'payouts',
    auth: 'apiKey',
    scope: 'payouts:approve',
  },
  {
    method: 'POST',
    path: '/v1/orders/{id}/risk-review',
    function: 'risk-review',
    auth: 'apiKey',
    scope: 'orders:write',
  },
  { method: 'GET', path: '/v1/risk/reviews', function: 'risk-review', auth: 'apiKey', scope: 'orders:read' },
  {
    method: 'POST',
    path: '/v1/settlements',
    function: 'settlements',
    auth: 'apiKey',
    scope: 'settlements:write',
  },
  {
    method: 'POST',
    path: '/v1/settlements/uploads',
    function: 'settlements',
    auth: 'apiKey',
    scope: 'settlements:write',
  },
  { method: 'GET', path: '/v1/settlements', function: 'settlements', auth: 'apiKey', scope: 'ledger:read' },
  {
    method: 'GET',
    path: '/v1/settlements/{id}',
    function: 'settlements',
    auth: 'apiKey',
    scope: 'ledger:read',
  },
  {
    method: 'GET',
    path: '/v1/settlements/{id}/lines',
    function: 'settlements',
    auth: 'apiKey',
    scope: 'ledger:read',
  },
  {
    method: 'POST',
    path: '/v1/anomalies/{id}/resolve',
    function: 'resolve-anomaly',
    auth: 'apiKey',
    scope: 'anomalies:write',
  },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'GET',
    path: '/v1/webhook-endpoints',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  {
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/attempts',
    function: 'webhook-endpoints',
    auth: 'apiKey',
    scope: 'webhooks:manage',
  },
  { method: 'GET', path: '/v1/events', function: 'events', auth: 'apiKey', scope: 'events:read' },
  // Not for seller keys: an order's events carry every seller's split.
  {
    method: 'GET',
    path: '/v1/orders/{id}/events',
    function: 'events',
    auth: 'apiKey',
    scope: 'events:read',
  },
  {
    method: 'POST',
    path: '/v1/events/{id}/redeliver',
    function: 'events',
    auth: 'apiKey',
    scope: 'events:redeliver',
  },
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: 'none' },
  // The buyer's side: public, the token in the URL is the secret (functions/voucher-page).
  { method: 'GET', path: '/v/{token}', function: 'voucher-page', auth: 'none' },
  { method: 'GET', path: '/v/{token}/status', function: 'voucher-page', auth: 'none' },
  { method: 'GET', path: '/sdk/{file}', function: 'voucher-page', auth: 'none' },
  { method: 'POST', path: '/webhooks/pagoefectivo', function: 'ingest-notification', auth: 'signature' },
  // PagoEfectivo through dLocal: the same ingest, dLocal's signature (docs/providers.md).
  { method: 'POST', path: '/webhooks/dlocal', function: 'ingest-notification', auth: 'signature' },
  // Culqi signs nothing: basic auth where CulqiPanel sets it, and each order is read back from its API.
  { method: 'POST', path: '/webhooks/culqi', function: 'ingest-notification', auth: 'signature' },
] as const satisfies readonly RouteSpec[];
export const ROUTES: readonly RouteSpec[] = ROUTE_TABLE;

/**
 * The PSPs' notification routes (every signature-authenticated route): the WAF never limits them
 * per IP like people's routes, nor refuses them for a missing User-Agent (lib/constructs/edge-protection.ts).
 */
export const PSP_NOTIFICATION_PATHS: readonly string[] = ROUTE_TABLE.filter(
  (route) => route.auth === 'signature',
).map((route) => route.path);

/**
 * The buyer's public routes: the voucher page function's (the page, its status view, the widget
 * script). The WAF limits them per address (lib/constructs/edge-protection.ts) and the local API
 * server plays that limit (local/api-server.ts): both take them from here.
 */
export const isBuyerRoute = (route: Pick<RouteSpec, 'function'>): boolean =>
  route.function === 'voucher-page';

/** The buyer routes' paths up to their first parameter (`/v/`, `/sdk/`), once each: what the WAF matches. */
export const BUYER_PATH_PREFIXES: readonly string[] = [
  ...new Set(
    ROUTE_TABLE.filter(isBuyerRoute).map(({ path }) =>
      path.includes('{') ? path.slice(0, path.indexOf('{')) : path,
    ),
  ),
];

/** `METHOD /path` of each route in ROUTES: the key its OpenAPI operation is declared under. */
export type RouteKey = (typeof ROUTE_TABLE)[number] extends infer Route
  ? Route extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never
  : never;

/**
 * The `METHOD /path` keys of the routes function `F` serves: what its handler routes, exactly
 * (platform/router.ts `routeTo` requires one endpoint per key and refuses any other).
 */
export type RouteKeyOf<F extends FunctionName> =
  Extract<(typeof ROUTE_TABLE)[number], { function: F }> extends infer Route
    ? Route extends { method: infer M extends string; path: infer P extends string }
      ? `${M} ${P}`
      : never
    : never;
