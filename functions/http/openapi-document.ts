import * as z from 'zod';
import { ROUTES, type RouteKey, scopeOf, sellerKeysMayCall } from '#contract/routes';
import {
  LedgerIntegritySchema,
  SellerBalanceSchema,
  SellerLedgerPageSchema,
  TrialBalanceSchema,
} from '#ledger/api-schemas';
import { SellerLedgerQuerySchema, TrialBalanceQuerySchema } from '#ledger/request-schemas';
import { OrderListSchema, OrderSchema, PaymentOptionSchema, ProblemSchema } from '#orders/api-schemas';
import { CreateOrderRequestSchema } from '#orders/create-order-request';
import {
  AddPaymentOptionRequestSchema,
  CipParamsSchema,
  ExtendExpiryRequestSchema,
  ListOrdersQuerySchema,
  OpenReviewsQuerySchema,
  OrderIdParamsSchema,
  RiskReviewRequestSchema,
} from '#orders/request-schemas';
import {
  CreateEndpointRequestSchema,
  DeliveryAttemptListSchema,
  DeliveryAttemptSchema,
  EndpointIdParamsSchema,
  EventIdParamsSchema,
  EventPageSchema,
  EventsQuerySchema,
  OrderEventsSchema,
  PageQuerySchema,
  RedeliverRequestSchema,
  UpdateEndpointRequestSchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from '#outbound-webhooks/schemas';
import {
  AnomalyIdParamsSchema,
  AnomalyListSchema,
  ListAnomaliesQuerySchema,
  ResolveAnomalyRequestSchema,
} from '#payments/anomaly-schemas';
import { BankAccountResponseSchema, PayoutListSchema, PayoutSchema } from '#payouts/api-schemas';
import {
  CreatePayoutRequestSchema,
  ListPayoutsQuerySchema,
  MarkPayoutFailedRequestSchema,
  MarkPayoutPaidRequestSchema,
  PutBankAccountRequestSchema,
  RejectPayoutRequestSchema,
} from '#payouts/request-schemas';
import { MAX_JSON_DEPTH } from '#platform/http';
import { RefundListSchema, RefundSchema } from '#refunds/api-schemas';
import {
  CreateRefundRequestSchema,
  ListRefundsQuerySchema,
  MarkRefundFailedRequestSchema,
  MarkRefundPaidRequestSchema,
  RejectRefundRequestSchema,
} from '#refunds/request-schemas';
import {
  SettlementLinePageSchema,
  SettlementListSchema,
  SettlementSchema,
  SettlementUploadSchema,
} from '#settlements/api-schemas';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import {
  ImportSettlementQuerySchema,
  ListLinesQuerySchema,
  ListSettlementsQuerySchema,
  MAX_REPORT_BYTES,
  UploadRequestSchema,
} from '#settlements/request-schemas';
import {
  VoucherPageParamsSchema,
  VoucherStatusViewSchema,
  VoucherViewSchema,
  WidgetFileParamsSchema,
} from '#voucher-page/api-schemas';

type JsonSchema = Record<string, unknown>;

function inlineSchema(schema: z.core.$ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/**
 * Every schema given an id with `.meta({ id })` becomes a component, referenced by that id.
 * `io: 'input'` documents what a client sends: fields with defaults are optional.
 */
function componentSchemas(): Record<string, JsonSchema> {
  // Building a schema registers its id; schema constants are marked pure (decision 57), so a bundle
  // builds only those it references: this list is what makes the openapi function build them all
  // (test/infra/bundles.test.ts compares its document with the source's).
  void [
    CreateOrderRequestSchema,
    ExtendExpiryRequestSchema,
    AddPaymentOptionRequestSchema,
    PaymentOptionSchema,
    RiskReviewRequestSchema,
    OrderSchema,
    OrderListSchema,
    ProblemSchema,
    AnomalyListSchema,
    ResolveAnomalyRequestSchema,
    CreateEndpointRequestSchema,
    UpdateEndpointRequestSchema,
    RedeliverRequestSchema,
    WebhookEndpointSchema,
    WebhookEndpointWithSecretSchema,
    WebhookEndpointListSchema,
    DeliveryAttemptSchema,
    DeliveryAttemptListSchema,
    EventPageSchema,
    OrderEventsSchema,
    SellerBalanceSchema,
    SellerLedgerPageSchema,
    TrialBalanceSchema,
    LedgerIntegritySchema,
    CreateRefundRequestSchema,
    RejectRefundRequestSchema,
    MarkRefundPaidRequestSchema,
    MarkRefundFailedRequestSchema,
    RefundSchema,
    RefundListSchema,
    SettlementSchema,
    SettlementListSchema,
    SettlementLinePageSchema,
    SettlementUploadSchema,
    UploadRequestSchema,
    BankAccountResponseSchema,
    CreatePayoutRequestSchema,
    MarkPayoutFailedRequestSchema,
    MarkPayoutPaidRequestSchema,
    PayoutListSchema,
    PayoutSchema,
    PutBankAccountRequestSchema,
    RejectPayoutRequestSchema,
    VoucherStatusViewSchema,
    VoucherViewSchema,
  ];
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Sorted by name: zod's registry follows module import order, which a file move would reshuffle.
  return Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, schema]) => {
        const { $schema: _ignored, $id: _id, ...rest } = schema as JsonSchema;
        return [id, rest];
      }),
  );
}

function queryParameters(schema: z.core.$ZodObject): JsonSchema[] {
  const json = inlineSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    // An integer documented over its string form (api-fields.ts pageLimit) drops the digit pattern.
    const { pattern, ...rest } = property;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      schema: property.type === 'integer' ? rest : { ...rest, ...(pattern === undefined ? {} : { pattern }) },
    };
  });
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const json = (description: string, schema: JsonSchema) => ({
  description,
  content: { 'application/json': { schema } },
});
/** A path parameter, with the very schema (pattern, bounds) the handler validates it with. */
function pathParameter(name: string, description: string, params: z.core.$ZodObject): JsonSchema {
  const schema = (inlineSchema(params) as { properties?: Record<string, JsonSchema> }).properties?.[name];
  if (schema === undefined) throw new Error(`${name} is not in its params schema`);
  return { name, in: 'path', required: true, schema, description };
}

const refundParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Refund id (rf_…)',
  schema: { type: 'string', pattern: '^rf_[0-9A-Z]{26}$' },
};

/** One step of a lifecycle (refunds, payouts): POST /v1/<resource>/{id}/<step>, with that step's 409 codes. */
function lifecycleStep(
  resource: { parameter: JsonSchema; schema: string },
  operationId: string,
  summary: string,
  requestSchema: string | undefined,
  conflicts: string,
) {
  const name = resource.schema.toLowerCase();
  return {
    operationId,
    summary,
    description: `Asked again by the person who took this step, with the same body (a retry after a lost answer), it answers 200 with the ${name} as it is and changes nothing; any other step from the status it reached is 409 \`invalid_status\`.`,
    parameters: [resource.parameter],
    ...(requestSchema
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(requestSchema) } } } }
      : {}),
    responses: {
      '200': json(
        `The ${name} after the step (or as it is, when this step was its last, asked again).`,
        ref(resource.schema),
      ),
      '400': commonErrors['400'],
      '401': commonErrors['401'],
      '403': problem('The API key has no usage plan (`api_key_not_enabled`).'),
      '404': problem(`No such ${name}.`),
      '409': problem(conflicts),
      '429': commonErrors['429'],
      '500': commonErrors['500'],
    },
  };
}

const REFUND_STEPS = { parameter: refundParameter, schema: 'Refund' } as const;
/** What every refund step may meet; each step adds its own. */
const REFUND_STEP_CONFLICTS = {
  status: '`invalid_status` (with `refundStatus`)',
  changed: '`refund_changed` (the refund or its order kept changing under this step: read it again)',
  provider: '`provider_refund` (a provider pays it: its refund API or notification marks it, not a person)',
} as const;
const refundMove = (
  operationId: string,
  summary: string,
  requestSchema: string | undefined,
  conflicts: string,
) => lifecycleStep(REFUND_STEPS, operationId, summary, requestSchema, conflicts);

const sellerParameter = {
  name: 'sellerId',
  in: 'path',
  required: true,
  description: 'The seller id used in order splits',
  schema: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' },
};

const payoutParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Payout id (po_…)',
  schema: { type: 'string', pattern: '^po_[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 29 },
};

/** A payout step other than approve meets only these conflicts; approve adds its own (below). */
const PAYOUT_STEP_CONFLICTS =
  '`invalid_status` (with `payoutStatus`) or `payout_changed` (the payout kept changing under this step: try again).';
const payoutMove = (
  operationId: string,
  summary: string,
  requestSchema: string | undefined,
  conflicts = PAYOUT_STEP_CONFLICTS,
) =>
  lifecycleStep(
    { parameter: payoutParameter, schema: 'Payout' },
    operationId,
    summary,
    requestSchema,
    conflicts,
  );

const settlementParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Settlement id (stl_ and 32 hex digits of the report’s SHA-256)',
  schema: { type: 'string', pattern: '^stl_[0-9a-f]{32}$', maxLength: 36 },
};

const voucherTokenParameter = () =>
  pathParameter('token', 'The token ending `voucher.displayUrl`', VoucherPageParamsSchema);
/** The buyer page's answers: HTML for browsers, or JSON (`application/json`, `application/problem+json`). */
const htmlOr = (description: string, json: string, schema: JsonSchema) => ({
  description,
  headers: CORS_HEADERS,
  content: { 'text/html': { schema: { type: 'string', maxLength: 65_536 } }, [json]: { schema } },
});

/** A PSP's notification route: authenticated by its signature, always acknowledged once stored. */
function pspNotificationRoute(operationId: string, summary: string, scheme: string, unauthorized: string) {
  return {
    operationId,
    summary,
    security: [{ [scheme]: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      '200': json('Stored and queued (the id of the stored raw notification).', ref('NotificationReceived')),
      '401': problem(`\`unauthorized\`: ${unauthorized}`),
      '413': problem('Body too large (`payload_too_large`).'),
      '500': commonErrors['500'],
    },
  };
}

/** Same caller + key + body within a day replays the first response; another body → 409. */
const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Retry safely: the same key and body within 24 h replays the first response. Keys belong to the caller (the principal holding the API key, and the seller a seller key acts for), not to one API key.',
  schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
};

/** A bound for documentation only: far above the endpoints any marketplace subscribes. */
const MAX_SUBSCRIBERS = 10_000;

/** Each operation's tag, from the resource its path names. */
const TAGS: [RegExp, string, string][] = [
  [
    /^\/v1\/orders\/\{id\}\/refunds|^\/v1\/refunds/,
    'Refunds',
    'Refunds of recorded payments, with maker-checker and an audit chain.',
  ],
  [
    /^\/v1\/orders\/\{id\}\/risk-review|^\/v1\/risk/,
    'Risk',
    'Orders the anti-fraud rules flagged, and the review that releases or cancels them.',
  ],
  [/^\/v1\/(orders|vouchers)/, 'Orders', 'Orders and their PagoEfectivo vouchers (CIPs).'],
  [
    /^\/v1\/settlements/,
    'Settlements',
    "PagoEfectivo's settlement reports, reconciled line by line against our payments.",
  ],
  [/^\/v1\/anomalies/, 'Anomalies', 'Payments that changed no order, until someone resolves them.'],
  [
    /^\/v1\/payouts|^\/v1\/sellers\/\{sellerId\}\/bank-account/,
    'Payouts',
    'Paying sellers from their available balances, to a bank account they keep.',
  ],
  [/^\/v1\/(sellers|ledger)/, 'Ledger', "What is owed to whom: sellers' balances and the trial balance."],
  [/^\/v1\/webhook-endpoints/, 'Webhook endpoints', 'Where we POST signed events (Standard Webhooks).'],
  [/^\/v1\/events/, 'Events', 'The replayable event feed.'],
  [/^\/webhooks\//, 'PSP notifications', 'What PagoEfectivo posts to us; signed, no API key.'],
  [/^\/openapi\.json$/, 'API description', 'This document, served by every stage.'],
  [
    /^\/(v|sdk)\//,
    'Buyer pages',
    "The buyer's voucher page, its status and the <pe-voucher> widget: public, the token is the secret.",
  ],
];

/**
 * Every throttled answer says when to come back, and is readable cross-origin (the buyer's widget
 * backs off on it): API Gateway's THROTTLED response and the local server send both headers.
 */
/** The buyer-facing JSON answers are read by the widget from the marketplace's origin. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': { description: 'Always `*`.', schema: { type: 'string', const: '*' } },
};
const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0, maximum: 3600 },
  },
  ...CORS_HEADERS,
};

/**
 * Tags every operation by its path, and gives every integer a format (zod's integers are safe
 * integers: int64), as generated clients and linters (Spectral's OWASP rules) expect.
 */
function finish(document: JsonSchema): JsonSchema {
  const paths = document.paths as Record<string, Record<string, JsonSchema>>;
  for (const [path, operations] of Object.entries(paths)) {
    const tag = TAGS.find(([pattern]) => pattern.test(path))?.[1];
    for (const [method, operation] of Object.entries(operations)) {
      if (tag) operation.tags = [tag];
      if (typeof operation.summary !== 'string') throw new Error(`${method} ${path} has no summary`);
      // Any route can be throttled (per key, per stage, or by the WAF per IP).
      const answers = operation.responses as Record<string, JsonSchema>;
      answers['429'] = {
        ...problem(
          'Too many requests; retry after `Retry-After` seconds: `throttled` over the API key’s (or the stage’s) rate, `rate_limited` over the firewall’s per-address limit.',
        ),
        headers: RETRY_AFTER,
      };
      const scope = scopeOf(method.toUpperCase(), path);
      // A JSON body is refused above the API's size (API Gateway's own 413, answered as
      // problem+json); where a handler reads it (platform/http.ts `jsonBody`: the API-key routes),
      // as any other media type (`unsupported_media_type`) and nested too deep (`json_too_deep`).
      const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      if (body?.content?.['application/json'] !== undefined) {
        answers['413'] ??= problem('Body too large (`payload_too_large`).');
        if (scope) {
          answers['415'] ??= problem(
            'The body is not sent as `application/json` (`unsupported_media_type`).',
          );
          const invalid = answers['400'] as { description?: string } | undefined;
          answers['400'] = problem(
            `${invalid?.description ?? 'Invalid input.'} A body nested deeper than ${MAX_JSON_DEPTH} levels is refused unread (\`json_too_deep\`).`,
          );
        }
      }
      // A seller-bound key asking for another seller's data finds nothing, as for an unknown id.
      if (path.includes('{sellerId}') && sellerKeysMayCall(method.toUpperCase(), path))
        answers['404'] ??= problem("A seller key asked for another seller's data: it sees only its own.");
      const missing = answers['404'] as { description?: string } | undefined;
      if (missing?.description !== undefined && !missing.description.includes('`'))
        missing.description = missing.description.replace(/\.?$/, ' (`not_found`).');
      // Any route can meet a stalled or throttled store, or an authorizer that could not read the key (decision 79).
      const unavailable =
        '`service_unavailable`: storage did not answer in time; retry after `Retry-After` seconds.';
      const own = answers['503'] as { description?: string } | undefined;
      answers['503'] = {
        ...problem(own?.description ? `${own.description} Or ${unavailable}` : unavailable),
        headers: RETRY_AFTER,
      };
      // The scope the key needs (lib/topology.ts, the same table the handlers check), as an
      // OpenAPI 3.1 role on the bearer scheme; `admin` holds every scope. A seller-bound key is
      // refused on every route the table does not open to it (platform/http.ts).
      if (scope) {
        operation.security = [{ bearerAuth: [scope] }];
        const sellerKey = sellerKeysMayCall(method.toUpperCase(), path)
          ? ''
          : ', is a seller-bound key, which may not call this route (`seller_key_not_allowed`),';
        answers['403'] = problem(
          `The API key lacks the scope \`${scope}\`${scope === 'events:redeliver' ? ' (or `webhooks:manage`, which includes it)' : ''} (\`insufficient_scope\`)${sellerKey} or has no usage plan (\`api_key_not_enabled\`); or the firewall refused the request (\`forbidden\`).`,
        );
      } else {
        // WAF's managed rule groups sit in front of every route (lib/constructs/edge-protection.ts).
        answers['403'] ??= problem('The firewall refused the request (`forbidden`).');
      }
    }
  }
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as JsonSchema;
    if (schema.type === 'integer' && schema.format === undefined) schema.format = 'int64';
    // A field a client may omit because the server fills it in: generators (openapi-typescript by
    // default) type any property with a `default` as always present, which would make callers send
    // it. The default is stated in words instead, so every generator sees an optional field.
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    const required = (schema.required as string[] | undefined) ?? [];
    for (const [name, property] of Object.entries(properties ?? {})) {
      if (property.default === undefined || required.includes(name)) continue;
      const said = `Default: ${JSON.stringify(property.default)}.`;
      property.description = property.description ? `${property.description} ${said}` : said;
      delete property.default;
    }
    if (schema.in !== undefined && schema.required === false) {
      const parameterSchema = schema.schema as JsonSchema | undefined;
      if (parameterSchema?.default !== undefined) {
        const said = `Default: ${JSON.stringify(parameterSchema.default)}.`;
        schema.description = schema.description ? `${schema.description} ${said}` : said;
        delete parameterSchema.default;
      }
    }
    for (const child of Array.isArray(node) ? node : Object.values(schema)) visit(child);
  };
  visit(document);
  return { ...document, tags: TAGS.map(([, name, description]) => ({ name, description })) };
}

/**
 * The document's `paths`, generated from the route table (lib/topology.ts ROUTES) — the same
 * entries API Gateway and the local server are built from — each with its declared operation.
 */
function pathsFromRoutes(
  operations: Record<RouteKey, JsonSchema>,
): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    const key = `${route.method} ${route.path}` as RouteKey;
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operations[key] };
  }
  return paths;
}

const commonErrors = {
  '400': problem('Invalid input (`validation_failed`); `errors` names each field.'),
  '401': problem('Missing or unknown API key (`unauthorized`).'),
  '403': problem('The API key has no usage plan (`api_key_not_enabled`).'),
  '429': problem('Over this API key’s rate; retry after `Retry-After` seconds.'),
  '500': problem('Unexpected error (`internal_error`); nothing internal is revealed.'),
};

/**
 * Each route's operation: its request (parameters, body) and response schemas, by `RouteKey`. The
 * type requires one for every route in ROUTES and refuses any other, so a route cannot be added
 * without its documentation, nor documented without existing.
 */
function routeOperations(): Record<RouteKey, JsonSchema> {
  return {
    'GET /openapi.json': {
      operationId: 'getOpenApiDocument',
      summary: 'This document: OpenAPI 3.1, generated from the route table and the zod schemas',
      security: [],
      responses: {
        '200': json('The OpenAPI document.', { type: 'object' }),
        '500': commonErrors['500'],
      },
    },
    'POST /v1/orders': {
      operationId: 'createOrder',
      summary: 'Create an order and its PagoEfectivo voucher',
      parameters: [idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('CreateOrderRequest') } },
      },
      responses: {
        '201': json('Order created with its voucher.', ref('Order')),
        ...commonErrors,
        '409': problem(
          '`reference_taken` (with `orderId`, the order holding the reference), or `idempotency_key_reused` (the Idempotency-Key came with another body), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
        '422': problem(
          '`risk_blocked` (with `rules`): the stage’s risk rules refused the order before any voucher was made; ' +
            'PagoEfectivo refused the voucher (`psp_rejected`; `detail` gives its reason); or `wallet_not_offered`: only `wallet` was asked for and the wallet provider cannot take this order.',
        ),
        '502': problem('PagoEfectivo answered unexpectedly (`psp_unavailable`).'),
        '503': problem(
          'PagoEfectivo unreachable or too slow (`psp_unavailable`); safe to retry with the same Idempotency-Key.',
        ),
      },
    },
    'GET /v1/orders': {
      operationId: 'listOrders',
      summary: 'List orders, newest first',
      parameters: queryParameters(ListOrdersQuerySchema),
      responses: { '200': json('A page of orders.', ref('OrderList')), ...commonErrors },
    },
    'GET /v1/orders/{id}': {
      operationId: 'getOrder',
      summary: 'Get an order',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema)],
      responses: {
        '200': json('The order.', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
      },
    },
    'POST /v1/orders/{id}/cancel': {
      operationId: 'cancelOrder',
      summary: 'Cancel a pending order and delete its CIP and wallet orders (PENDING_PAYMENT → CANCELLED)',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema), idempotencyKeyParameter],
      responses: {
        '200': json('The cancelled order.', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          'The order is not PENDING_PAYMENT (`invalid_status`), or one of its options was just paid: `voucher_not_deletable` (the CIP), `wallet_order_not_cancellable` (a wallet order its provider will not delete) — or `idempotency_key_reused` (the Idempotency-Key came with another request), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
        '502': problem('PagoEfectivo answered unexpectedly (`psp_unavailable`); the order is unchanged.'),
        '503': problem('PagoEfectivo unreachable (`psp_unavailable`); the order is unchanged.'),
      },
    },
    'POST /v1/orders/{id}/payment-options': {
      operationId: 'addPaymentOption',
      summary: 'Offer a pending order a mobile wallet (Yape, Plin, …) beside its cash voucher',
      description:
        'Idempotent: an order that already offers a wallet answers with it. Whichever option is paid first pays the order; every other open option is then closed at its provider, and a payment that still arrives on a closed option is a `double_payment` anomaly with a refund proposal through the provider it came by.',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema)],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('AddPaymentOptionRequest') } },
      },
      responses: {
        '200': json('The order with its `paymentOptions` (event order.payment_option_added).', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem('`order_not_payable`: the order is no longer PENDING_PAYMENT.'),
        '422': problem(
          '`wallet_not_offered`: the wallet provider cannot take this order (currency, amount limits, not configured, or down); `detail` says why.',
        ),
      },
    },
    'POST /v1/orders/{id}/extend-expiry': {
      operationId: 'extendOrderExpiry',
      summary: 'Give the buyer more time: move the voucher deadline (before it passes)',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema)],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('ExtendExpiryRequest') } },
      },
      responses: {
        '200': json('The order with its new `expiresAt` (event order.expiry_extended).', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          'Not PENDING_PAYMENT (`invalid_status`), the deadline already passed (`voucher_expired`), the voucher cannot move: just paid or deleted, unknown to PagoEfectivo, or a provider that moves no deadline (`voucher_not_changeable`), or another extension of this order is being applied (`extension_in_progress`).',
        ),
        '422': problem('PagoEfectivo refused the new deadline (`psp_rejected`); `detail` gives its reason.'),
        '502': problem('PagoEfectivo answered unexpectedly (`psp_unavailable`); the order is unchanged.'),
        '503': problem('PagoEfectivo unreachable (`psp_unavailable`); the order is unchanged.'),
      },
    },
    'POST /v1/orders/{id}/fulfil': {
      operationId: 'fulfilOrder',
      summary: 'Release a PAID order for shipping (PAID → FULFILLED)',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema), idempotencyKeyParameter],
      responses: {
        '200': json('The fulfilled order.', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          '`invalid_status`: not PAID, `detail` says why it must not ship and `orderStatus` gives the status; or `risk_review_required` (with `rules`): the risk rules flagged the order and nobody has approved it yet (POST /v1/orders/{id}/risk-review), or `risk_rejected`: a person rejected it on review and its payment arrived before the cancel (refund it), or `refund_in_progress` (with `refundReserved`): refunds of the whole payment are requested or approved, or `payment_contested` (with `anomalyId`): the notification of the provider names another amount or currency than the payment booked, until a person resolves that anomaly — or `idempotency_key_reused` (the Idempotency-Key came with another request), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'POST /v1/orders/{id}/accept-late-payment': {
      operationId: 'acceptLatePayment',
      summary: 'Honour a payment that arrived after expiry or cancellation (PAID_LATE → PAID)',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema), idempotencyKeyParameter],
      responses: {
        '200': json(
          'The order, now PAID; the sellers and the platform are credited what refunds already paid back from suspense left of the payment.',
          ref('Order'),
        ),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          '`invalid_status` (the order is not PAID_LATE), or `refund_in_progress` (with `refunds`): a refund of the payment is still REQUESTED or APPROVED, or `payment_contested` (with `anomalyId`): the notification of the provider names another amount or currency than the payment booked, until a person resolves that anomaly — or `idempotency_key_reused` (the Idempotency-Key came with another request), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'GET /v1/vouchers/{cip}': {
      operationId: 'getOrderByVoucher',
      summary: 'Find the order that owns a CIP',
      parameters: [pathParameter('cip', 'The CIP the buyer holds', CipParamsSchema)],
      responses: {
        '200': json('The order owning the CIP.', ref('Order')),
        ...commonErrors,
        '404': problem('Unknown CIP.'),
      },
    },
    'GET /v1/anomalies': {
      operationId: 'listAnomalies',
      summary: 'Payment notifications that changed no order: unknown CIPs, mismatches, duplicate payments',
      parameters: queryParameters(ListAnomaliesQuerySchema),
      responses: { '200': json('A page of anomalies.', ref('AnomalyList')), ...commonErrors },
    },
    'POST /v1/orders/{id}/refunds': {
      operationId: 'requestRefund',
      summary: "Refund (part of) an order's payment by bank transfer; maker-checker at the stage's threshold",
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema), idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('CreateRefundRequest') } },
      },
      responses: {
        '201': json(
          "The refund: REQUESTED, or APPROVED when the order's refunds (this one included) and the requesting key's refunds approved at once today (Lima) both stay below the stage's thresholds.",
          ref('Refund'),
        ),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          '`order_not_paid` (cancel it instead), `no_payment_to_refund`, `anomaly_not_refundable` (the `anomalyId` holds no payment of this order), `refund_exceeds_payment` (with `refundable`), `order_changed`, `idempotency_key_reused` (the Idempotency-Key came with another body), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'GET /v1/refunds': {
      operationId: 'listRefunds',
      summary: 'Refunds newest first, by status or by order (one of the two is required)',
      description: 'A filter is required: `status` or `orderId` (or both). Without either the answer is 400.',
      parameters: queryParameters(ListRefundsQuerySchema),
      responses: {
        '200': json('A page of refunds.', ref('RefundList')),
        ...commonErrors,
        '400': problem(
          '`validation_failed`: neither `status` nor `orderId` was given (one is required; `errors` names `query.status`), or a parameter is invalid (`errors` names each).',
        ),
      },
    },
    'GET /v1/refunds/{id}': {
      operationId: 'getRefund',
      summary:
        'A refund with its whole audit chain: order, payment, every step with who and when, payout proof',
      parameters: [refundParameter],
      responses: {
        '200': json('The refund.', ref('Refund')),
        ...commonErrors,
        '404': problem('No such refund.'),
      },
    },
    'POST /v1/refunds/{id}/approve': refundMove(
      'approveRefund',
      "Approve (REQUESTED → APPROVED); by another person than the requester. A refund back to a wallet payment (a double payment's proposal, `destination.type` `wallet_payment`) is then sent to the wallet provider's refund API: Culqi pays at once (PAID_OUT, and its anomaly resolved); dLocal's notification moves it later. If the provider's call fails the refund stays APPROVED and approving again retries it.",
      undefined,
      `${REFUND_STEP_CONFLICTS.status}, \`approver_must_differ\` (the approver requested it), \`wallet_provider_unavailable\` (a refund back to a wallet whose provider this stage cannot call), or ${REFUND_STEP_CONFLICTS.changed}.`,
    ),
    'POST /v1/refunds/{id}/reject': refundMove(
      'rejectRefund',
      'Reject (REQUESTED → REJECTED); the amount is refundable again',
      'RejectRefundRequest',
      `${REFUND_STEP_CONFLICTS.status} or ${REFUND_STEP_CONFLICTS.changed}.`,
    ),
    'POST /v1/refunds/{id}/mark-paid': refundMove(
      'markRefundPaid',
      'The transfer was made (APPROVED → PAID_OUT), with its proof',
      'MarkRefundPaidRequest',
      `${REFUND_STEP_CONFLICTS.status}, ${REFUND_STEP_CONFLICTS.provider}, or ${REFUND_STEP_CONFLICTS.changed}.`,
    ),
    'POST /v1/refunds/{id}/mark-failed': refundMove(
      'markRefundFailed',
      'The bank returned it (APPROVED → FAILED); refundable again',
      'MarkRefundFailedRequest',
      `${REFUND_STEP_CONFLICTS.status}, ${REFUND_STEP_CONFLICTS.provider}, \`provider_refund_unresolved\` (sent to its provider, whose answer is not known yet: approve again to ask it), or ${REFUND_STEP_CONFLICTS.changed}.`,
    ),
    'GET /v1/sellers/{sellerId}/balance': {
      operationId: 'getSellerBalance',
      summary: 'What a seller is owed, per currency: pending (unsettled), available, reserved, paid out',
      parameters: [sellerParameter],
      responses: { '200': json("The seller's balances.", ref('SellerBalance')), ...commonErrors },
    },
    'GET /v1/sellers/{sellerId}/ledger': {
      operationId: 'listSellerLedger',
      summary: "A seller's ledger lines, newest first, each naming its order",
      parameters: [sellerParameter, ...queryParameters(SellerLedgerQuerySchema)],
      responses: { '200': json('A page of ledger lines.', ref('SellerLedgerPage')), ...commonErrors },
    },
    'GET /v1/ledger/trial-balance': {
      operationId: 'getTrialBalance',
      summary: 'Every account of the ledger in one currency; the total is always zero',
      parameters: queryParameters(TrialBalanceQuerySchema),
      responses: { '200': json('Account totals.', ref('TrialBalance')), ...commonErrors },
    },
    'GET /v1/ledger/integrity': {
      operationId: 'getLedgerIntegrity',
      summary:
        'The ledger’s daily self-check: the latest completed pass (every difference between the journal and the stored totals, the first one named) and the pass in progress',
      responses: {
        '200': json('The latest report and the running pass.', ref('LedgerIntegrity')),
        ...commonErrors,
      },
    },
    'POST /v1/orders/{id}/risk-review': {
      operationId: 'reviewRisk',
      summary:
        'Decide on an order the risk rules flagged: approve (it may be fulfilled) or reject (cancelled)',
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema)],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('RiskReviewRequest') } },
      },
      responses: {
        '200': json('The order, with `risk.decision` approved or rejected.', ref('Order')),
        ...commonErrors,
        '404': problem('No such order.'),
        '409': problem(
          '`not_flagged`, `already_reviewed`, or `invalid_status` (with `orderStatus`): reject needs a PENDING_PAYMENT order; any other is left as it was, still flagged and still listed by GET /v1/risk/reviews (a paid one is refunded with POST /v1/orders/{id}/refunds). ' +
            'Rejecting cancels the order, so it may also meet what a cancellation meets: `voucher_not_deletable`, `wallet_order_not_cancellable`.',
        ),
        '502': problem(
          'Rejecting: PagoEfectivo answered unexpectedly (`psp_unavailable`); the order is unchanged.',
        ),
        '503': problem('Rejecting: PagoEfectivo unreachable (`psp_unavailable`); the order is unchanged.'),
      },
    },
    'GET /v1/risk/reviews': {
      operationId: 'listRiskReviews',
      summary: 'Orders the risk rules flagged that no one has reviewed yet, oldest first',
      parameters: queryParameters(OpenReviewsQuerySchema),
      responses: { '200': json('A page of flagged orders.', ref('OrderList')), ...commonErrors },
    },
    'PUT /v1/sellers/{sellerId}/bank-account': {
      operationId: 'putSellerBankAccount',
      summary: "Set a seller's bank account (CCI checked); a change starts the cooling-off period",
      parameters: [sellerParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('PutBankAccountRequest') } },
      },
      responses: {
        '200': json('The account (CCI masked) and its history.', ref('SellerBankAccount')),
        ...commonErrors,
        '409': problem('`bank_account_changed`: the account kept changing under this request; try again.'),
      },
    },
    'GET /v1/sellers/{sellerId}/bank-account': {
      operationId: 'getSellerBankAccount',
      summary: "A seller's bank account (CCI masked) with its change history",
      parameters: [sellerParameter],
      responses: {
        '200': json('The account.', ref('SellerBankAccount')),
        ...commonErrors,
        '404': problem('The seller has no bank account.'),
      },
    },
    'POST /v1/payouts': {
      operationId: 'requestPayout',
      summary: "Propose paying a seller's available money (all by default, never more) to their bank account",
      parameters: [idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('CreatePayoutRequest') } },
      },
      responses: {
        '201': json('The payout, REQUESTED.', ref('Payout')),
        ...commonErrors,
        '409': problem(
          '`nothing_available`, `payout_exceeds_available` (with `available`), `no_bank_account`, `bank_account_cooling_off` (with `until`), `payout_in_progress`, `idempotency_key_reused` (the Idempotency-Key came with another body), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'GET /v1/payouts': {
      operationId: 'listPayouts',
      summary:
        'Payouts newest first, by seller or by status (one of the two is required); `format=csv` is the bank file',
      description:
        'A filter is required: `sellerId` or `status` (or both); a seller-bound key always lists its own seller’s. Without either the answer is 400.',
      parameters: queryParameters(ListPayoutsQuerySchema),
      responses: {
        '200': {
          description: 'A page of payouts, or (format=csv) the bank file with the full CCIs.',
          content: {
            'application/json': { schema: ref('PayoutList') },
            'text/csv': { schema: { type: 'string', maxLength: 10_000_000 } },
          },
        },
        ...commonErrors,
        '400': problem(
          '`validation_failed`: neither `sellerId` nor `status` was given (one is required; `errors` names `query.status`), or a parameter is invalid (`errors` names each).',
        ),
      },
    },
    'GET /v1/payouts/{id}': {
      operationId: 'getPayout',
      summary: 'A payout with its history and the ledger lines it pays',
      parameters: [payoutParameter],
      responses: {
        '200': json('The payout.', ref('Payout')),
        ...commonErrors,
        '404': problem('No such payout.'),
      },
    },
    'POST /v1/payouts/{id}/approve': payoutMove(
      'approvePayout',
      'Approve (REQUESTED → APPROVED): reserves the money (available → in transit)',
      undefined,
      '`invalid_status` (with `payoutStatus`), `approver_must_differ` (the approver requested it), ' +
        '`approver_set_bank_account` (with `bankAccountVersion`: the approver set the bank account it pays), ' +
        '`insufficient_available` (with `available`), `bank_account_changed` (the account it was requested for is gone, was changed or is cooling off: reject it and request a new one), ' +
        'or `payout_changed` (the payout kept changing under this step: try again).',
    ),
    'POST /v1/payouts/{id}/reject': payoutMove(
      'rejectPayout',
      'Reject (REQUESTED → REJECTED)',
      'RejectPayoutRequest',
    ),
    'POST /v1/payouts/{id}/mark-paid': payoutMove(
      'markPayoutPaid',
      'The transfer was made (APPROVED → PAID_OUT)',
      'MarkPayoutPaidRequest',
    ),
    'POST /v1/payouts/{id}/mark-failed': payoutMove(
      'markPayoutFailed',
      'The bank returned it (APPROVED → FAILED): available again',
      'MarkPayoutFailedRequest',
    ),
    'POST /v1/settlements': {
      operationId: 'importSettlement',
      summary: `Import a PagoEfectivo settlement report (CSV or .xlsx, up to ${MAX_REPORT_BYTES} bytes) and reconcile it`,
      description:
        'The file itself is the body. The same file (by SHA-256) twice returns the first settlement and changes nothing. ' +
        'A report with unreadable lines is refused whole (400 naming line and column) unless `partial=true`. ' +
        'A report that cannot be reconciled within the request answers 202 with the settlement so far: POST the same file again to resume.',
      parameters: [...queryParameters(ImportSettlementQuerySchema), idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: {
          [REPORT_MEDIA_TYPES.csv]: { schema: { type: 'string', maxLength: MAX_REPORT_BYTES } },
          [REPORT_MEDIA_TYPES.xlsx]: {
            schema: { type: 'string', format: 'binary', maxLength: MAX_REPORT_BYTES },
          },
        },
      },
      responses: {
        '201': json('Imported and reconciled.', ref('Settlement')),
        '200': json('This file was imported before: its settlement, unchanged.', ref('Settlement')),
        '202': json('Reconciled in part; POST the same file again to resume.', ref('Settlement')),
        ...commonErrors,
        '409': problem('`idempotency_key_reused`: the Idempotency-Key came with another file.'),
        '413': problem('Larger than the API takes: use POST /v1/settlements/uploads.'),
        '415': problem('Not text/csv or the .xlsx media type (`unsupported_media_type`).'),
        '422': problem(
          'Past a limit of the stage (`settlement.limits`), refused whole and nothing started: `report_too_many_lines`, ' +
            '`report_line_too_long`, `report_cell_too_long`, `report_xlsx_too_large`, `report_xlsx_uncompressed_too_large` ' +
            '(also a zip entry that unzips to more than it declares), `report_xlsx_shared_strings_too_large`, ' +
            '`report_xlsx_too_many_entries`. The problem names the limit (`limit`, `max`) and, where there is one, `line` and `column`.',
        ),
      },
    },
    'GET /v1/settlements': {
      operationId: 'listSettlements',
      summary: 'Settlement reports, newest import first',
      parameters: queryParameters(ListSettlementsQuerySchema),
      responses: { '200': json('A page of settlements.', ref('SettlementList')), ...commonErrors },
    },
    'POST /v1/settlements/uploads': {
      operationId: 'createSettlementUpload',
      summary: 'A presigned S3 URL to upload a report too large for the API; it is reconciled on arrival',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('SettlementUploadRequest') } },
      },
      responses: {
        '201': json('Where and how to PUT the file (15 minutes).', ref('SettlementUpload')),
        ...commonErrors,
        '409': problem('`uploads_unavailable`: this stage has no report bucket (the local stack).'),
      },
    },
    'GET /v1/settlements/{id}': {
      operationId: 'getSettlement',
      summary: 'A settlement: counts per outcome, totals, what we expected, and the difference',
      parameters: [settlementParameter],
      responses: {
        '200': json('The settlement.', ref('Settlement')),
        ...commonErrors,
        '404': problem('No such settlement.'),
      },
    },
    'GET /v1/settlements/{id}/lines': {
      operationId: 'listSettlementLines',
      summary: "A settlement's lines in file order, or one outcome's; as CSV with `Accept: text/csv`",
      parameters: [settlementParameter, ...queryParameters(ListLinesQuerySchema)],
      responses: {
        '200': {
          description: 'A page of lines (CSV: the next cursor is in `X-Next-Cursor`).',
          headers: {
            'X-Next-Cursor': {
              description: 'CSV only: the next page’s cursor.',
              schema: { type: 'string' },
            },
          },
          content: {
            'application/json': { schema: ref('SettlementLinePage') },
            'text/csv': { schema: { type: 'string', maxLength: 10_000_000 } },
          },
        },
        ...commonErrors,
        '404': problem('No such settlement.'),
      },
    },
    'POST /v1/anomalies/{id}/resolve': {
      operationId: 'resolveAnomaly',
      summary: 'Close an anomaly once it is dealt with, saying what was done (kept for audit)',
      parameters: [
        pathParameter('id', 'Anomaly id, e.g. amount_mismatch:12345678:900001', AnomalyIdParamsSchema),
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('ResolveAnomalyRequest') } },
      },
      responses: {
        '200': json('The anomaly, with resolvedAt, resolvedBy and resolution.', ref('Anomaly')),
        ...commonErrors,
        '404': problem('No such anomaly.'),
        '409': problem('`anomaly_already_resolved`: `anomaly` shows when, by whom and how.'),
      },
    },
    'POST /v1/webhook-endpoints': {
      operationId: 'createWebhookEndpoint',
      summary: 'Subscribe an https URL to event types; the signing secret (whsec_…) is shown once',
      parameters: [idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('CreateWebhookEndpointRequest') } },
      },
      responses: {
        '201': json(
          'The endpoint, with `secret` (replayed as is for a retried Idempotency-Key).',
          ref('WebhookEndpointWithSecret'),
        ),
        ...commonErrors,
        '409': problem(
          '`idempotency_key_reused` (the Idempotency-Key came with another body), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'GET /v1/webhook-endpoints': {
      operationId: 'listWebhookEndpoints',
      summary: 'List webhook endpoints',
      parameters: queryParameters(PageQuerySchema),
      responses: { '200': json('A page of endpoints.', ref('WebhookEndpointList')), ...commonErrors },
    },
    'GET /v1/webhook-endpoints/{id}': {
      operationId: 'getWebhookEndpoint',
      summary: 'Get a webhook endpoint',
      parameters: [pathParameter('id', 'Endpoint id (we_…)', EndpointIdParamsSchema)],
      responses: {
        '200': json('The endpoint.', ref('WebhookEndpoint')),
        ...commonErrors,
        '404': problem('No such endpoint.'),
      },
    },
    'PATCH /v1/webhook-endpoints/{id}': {
      operationId: 'updateWebhookEndpoint',
      summary: 'Change url, events or description; `enabled: true` re-enables a disabled endpoint',
      parameters: [pathParameter('id', 'Endpoint id (we_…)', EndpointIdParamsSchema)],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('UpdateWebhookEndpointRequest') } },
      },
      responses: {
        '200': json('The endpoint as changed.', ref('WebhookEndpoint')),
        ...commonErrors,
        '404': problem('No such endpoint.'),
      },
    },
    'DELETE /v1/webhook-endpoints/{id}': {
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete a webhook endpoint',
      parameters: [pathParameter('id', 'Endpoint id (we_…)', EndpointIdParamsSchema)],
      responses: {
        '204': { description: 'Deleted.' },
        ...commonErrors,
        '404': problem('No such endpoint.'),
      },
    },
    'POST /v1/webhook-endpoints/{id}/rotate-secret': {
      operationId: 'rotateWebhookSecret',
      summary: 'New secret (shown once); the previous one keeps signing during the overlap',
      parameters: [
        pathParameter('id', 'Endpoint id (we_…)', EndpointIdParamsSchema),
        idempotencyKeyParameter,
      ],
      responses: {
        '200': json('The endpoint, with the new `secret`.', ref('WebhookEndpointWithSecret')),
        ...commonErrors,
        '404': problem('No such endpoint.'),
        '409': problem(
          '`idempotency_key_reused` (the Idempotency-Key came with another endpoint), or `idempotency_in_progress` (its twin is still running: retry shortly).',
        ),
      },
    },
    'GET /v1/webhook-endpoints/{id}/attempts': {
      operationId: 'listWebhookAttempts',
      summary: "List an endpoint's delivery attempts, newest first",
      parameters: [
        pathParameter('id', 'Endpoint id (we_…)', EndpointIdParamsSchema),
        ...queryParameters(PageQuerySchema),
      ],
      responses: {
        '200': json('Delivery attempts, newest first.', ref('WebhookDeliveryAttemptList')),
        ...commonErrors,
        '404': problem('No such endpoint.'),
      },
    },
    'GET /v1/events': {
      operationId: 'listEvents',
      summary: 'The event feed, oldest first; keep `nextCursor` and pass it as `after` to catch up',
      parameters: queryParameters(EventsQuerySchema),
      responses: { '200': json('A page of events.', ref('EventPage')), ...commonErrors },
    },
    'GET /v1/orders/{id}/events': {
      operationId: 'listOrderEvents',
      summary: "An order's events, oldest first (redeliver one with POST /v1/events/{id}/redeliver)",
      description:
        "One read of the order's own record. Delivery attempts are kept per endpoint (GET /v1/webhook-endpoints/{id}/attempts), not per event, so they are not listed here.",
      parameters: [pathParameter('id', 'Order id (ord_…)', OrderIdParamsSchema)],
      responses: {
        '200': json("The order's events.", ref('OrderEvents')),
        ...commonErrors,
        '404': problem('No such order.'),
      },
    },
    'POST /v1/events/{id}/redeliver': {
      operationId: 'redeliverEvent',
      summary: 'Deliver an event again',
      parameters: [pathParameter('id', 'Event id (evt_…), the webhook-id', EventIdParamsSchema)],
      requestBody: {
        required: false,
        content: { 'application/json': { schema: ref('RedeliverRequest') } },
      },
      responses: {
        '202': json('Queued for every subscribed endpoint, or only `endpointId`.', ref('RedeliveryQueued')),
        ...commonErrors,
        '404': problem('No such event.'),
        '409': problem(
          '`endpoint_not_subscribed`: `endpointId` is missing, disabled or not subscribed to the event type.',
        ),
      },
    },
    'GET /v/{token}': {
      operationId: 'getVoucherPage',
      summary:
        "The buyer's voucher page (HTML, es-PE); with `Accept: application/json`, its data for the widget",
      description:
        'Public: the unguessable token (from `voucher.displayUrl`) is the secret. Every wrong token gets the same 404.',
      security: [],
      parameters: [voucherTokenParameter()],
      responses: {
        '200': htmlOr(
          'The page, or (Accept: application/json) its data.',
          'application/json',
          ref('VoucherView'),
        ),
        '404': htmlOr(
          '`not_found`: no such voucher (the same answer for every wrong token).',
          'application/problem+json',
          ref('Problem'),
        ),
        '500': commonErrors['500'],
      },
    },
    'GET /v/{token}/status': {
      operationId: 'getVoucherStatus',
      summary: "A voucher's status for the buyer (polled by the page and the widget; CORS, cacheable 5 s)",
      security: [],
      parameters: [voucherTokenParameter()],
      responses: {
        '200': {
          ...json('The status, in Spanish too.', ref('VoucherStatusView')),
          headers: CORS_HEADERS,
        },
        '404': { ...problem('No such voucher.'), headers: CORS_HEADERS },
        '500': commonErrors['500'],
      },
    },
    'GET /sdk/{file}': {
      operationId: 'getVoucherWidget',
      summary:
        'The <pe-voucher> web component: `voucher.js` (moving, 5 min) or `voucher-<version>.js` (immutable)',
      security: [],
      parameters: [pathParameter('file', 'voucher.js or voucher-<version>.js', WidgetFileParamsSchema)],
      responses: {
        '200': {
          description: 'The script.',
          headers: CORS_HEADERS,
          content: { 'text/javascript': { schema: { type: 'string', maxLength: 262_144 } } },
        },
        '304': { description: 'Unchanged (If-None-Match).' },
        '404': problem('No such file.'),
        '500': commonErrors['500'],
      },
    },
    'POST /webhooks/dlocal': pspNotificationRoute(
      'receiveDlocalNotification',
      'dLocal payment and refund notifications, for stages selling PagoEfectivo through dLocal (authenticated by its V2-HMAC-SHA256 signature)',
      'dlocalSignature',
      'Missing or wrong signature (or X-Login); nothing stored.',
    ),
    'POST /webhooks/culqi': pspNotificationRoute(
      'receiveCulqiNotification',
      "Culqi events (`order.status.changed`) for wallet payment options; the order's state is read back from Culqi's API before anything is applied",
      'culqiBasicAuth',
      "Missing or wrong basic authentication (required: the pair in the stage's Culqi secret, set on the CulqiPanel webhook too); nothing stored.",
    ),
    'POST /webhooks/pagoefectivo': pspNotificationRoute(
      'receivePagoEfectivoNotification',
      'PagoEfectivo payment notifications (authenticated by PE-Signature, not by API key)',
      'peSignature',
      'Missing or wrong signature; nothing stored.',
    ),
  };
}

/** OpenAPI 3.1 (JSON Schema 2020-12) generated from the zod schemas that validate requests. */
export function buildOpenApiDocument(): JsonSchema {
  return finish(assembleDocument());
}

function assembleDocument(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'PagoEfectivo for marketplaces',
      version: '1.0.0',
      description:
        'Cash vouchers (CIPs) for marketplace orders. Money is integer minor units. Every error is problem+json (RFC 9457) with a stable `code`; ' +
        'API Gateway’s own refusals have the same shape (`bad_request` for a 4xx it answers before any function runs that no operation lists).',
      contact: { name: 'Problem types and guides', url: 'https://docs.pagoefectivo-marketplace.dev' },
    },
    // Each stage's API Gateway URL (or the local stack): the document is served from the API itself.
    servers: [
      {
        url: '/',
        description:
          'The origin this document was fetched from: each stage (local, dev, staging, production) serves its own.',
        'x-internal': false,
      },
    ],
    security: [{ bearerAuth: [] }],
    paths: pathsFromRoutes(routeOperations()),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer' },
        dlocalSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            '`V2-HMAC-SHA256, Signature: <hex HMAC-SHA256 of X-Login + X-Date + body with the merchant secret key>` (dLocal signs it; X-Date and X-Login headers accompany it).',
        },
        culqiBasicAuth: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            '`Basic <base64 of user:password>` as set on the webhook in CulqiPanel (Culqi signs no body); each order named is then read from Culqi with the secret key before anything is applied.',
        },
        peSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'PE-Signature',
          description:
            'Hex HMAC-SHA256 of the raw body with the merchant secret key (PagoEfectivo signs it).',
        },
      },
      schemas: {
        ...componentSchemas(),
        // Answers no zod schema builds (the handlers write them as literals).
        NotificationReceived: {
          type: 'object',
          required: ['received', 'id'],
          properties: {
            received: { const: true },
            id: { type: 'string', description: 'The stored raw notification (SHA-256 of its bytes).' },
          },
        },
        RedeliveryQueued: {
          type: 'object',
          required: ['eventId', 'queuedFor'],
          properties: {
            eventId: { type: 'string' },
            queuedFor: {
              type: 'integer',
              minimum: 0,
              maximum: MAX_SUBSCRIBERS,
              description: 'Deliveries queued.',
            },
          },
        },
      },
    },
  };
}
