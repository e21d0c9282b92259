/**
 * The shape of the product as plain data: table, queues, functions, routes and schedules.
 *
 * Read by the CDK stacks (lib/service-stack.ts, lib/stateful-stack.ts) AND by the embedded local
 * stack (local/), so the two cannot drift. No CDK import here on purpose (the entities' key patterns are plain data too): the local stack must be
 * able to load this file without pulling in aws-cdk-lib.
 */

import { apiKeyEntity } from '#contract/entities/api-key';
import { idempotencyRecordEntity } from '#contract/entities/idempotency-record';
import { TABLE_INDEXES } from '#contract/entities/indexes';
import { orderEntity } from '#contract/entities/order';
import { unconfirmedPaymentDateEntity } from '#contract/entities/unconfirmed-payment-date';
import { voucherPageEntity } from '#contract/entities/voucher-page';
import { webhookEndpointEntity } from '#contract/entities/webhook-endpoint';
import type { FunctionName } from '#contract/routes';

// The route contract lives below both this file and the handlers (functions/contract/routes.ts);
// re-exported so the CDK app and the local stack read routes and functions from one place.
export {
  BUYER_PATH_PREFIXES,
  type FunctionName,
  grants,
  type HttpMethod,
  isBuyerRoute,
  PRINCIPAL_PATTERN,
  PSP_NOTIFICATION_PATHS,
  ROUTES,
  type RouteKey,
  type RouteSpec,
  SCOPES,
  type Scope,
  SELLER_KEY_SCOPES,
  scopeOf,
  sellerKeysMayCall,
} from '#contract/routes';
export {
  DEFAULT_EXPIRY_GRACE_SECONDS,
  GATEWAY_PROBLEMS,
  PAYMENT_METHODS,
  PAYMENT_PROVIDERS,
  type PaymentMethod,
  type PaymentProviderName,
  PROVIDERS,
  type ProviderName,
  SERVICE,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  WALLET_PROVIDERS,
  type WalletProviderName,
} from '#contract/service';

export const TABLE = {
  id: 'Orders',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** Global secondary indexes, declared with the entities that use them (contract/entities/indexes.ts). */
  indexes: TABLE_INDEXES,
} as const;

/**
 * PagoEfectivo's raw notification bodies, kept for audit in a table of their own: the function
 * behind the public, unauthenticated webhook route can write here and nowhere else, so it can
 * never create an item the outbox dispatcher would publish (or overwrite one of ours).
 */
export const RAW_NOTIFICATIONS_TABLE = {
  id: 'RawNotifications',
  partitionKey: 'webhookId',
  ttlAttribute: 'ttl',
} as const;

export type QueueName = 'payment-notifications' | 'webhook-deliveries';

export interface QueueSpec {
  name: QueueName;
  /** Must be at least six times the consuming function's timeout (AWS guidance for SQS sources). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
  consumer: FunctionName;
  /** The env var through which functions that send to it (and its consumer) learn its URL. */
  urlEnv: string;
  /**
   * Alarm when the oldest message is older than this. Not for queues whose retries wait as
   * invisible messages on purpose (they would count as old).
   */
  backlogAlarmSeconds?: number;
  /**
   * At most this many concurrent consumer invocations (SQS event source maximum concurrency, ≥ 2):
   * a burst drains steadily instead of taking the account's concurrency from the API.
   */
  maxConcurrency: number;
}

export const QUEUES: readonly QueueSpec[] = [
  {
    name: 'payment-notifications',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    batchSize: 10,
    consumer: 'apply-payment',
    urlEnv: 'PAYMENT_QUEUE_URL',
    backlogAlarmSeconds: 300,
    // 10 × 10-message batches in flight: thousands of notifications a minute, the 5-min backlog alarm far off.
    maxConcurrency: 10,
  },
  {
    name: 'webhook-deliveries',
    // Retries set their own visibility (backoff); this covers a crashed delivery: 6 × 15 s.
    visibilityTimeoutSeconds: 90,
    // 1 try + 7 retries of the backoff schedule, plus room for crashes, before the DLQ.
    maxReceiveCount: 10,
    batchSize: 10,
    consumer: 'deliver-webhooks',
    urlEnv: 'WEBHOOK_DELIVERY_QUEUE_URL',
    // Slow marketplace endpoints (up to 10 s each) must not hold the account's concurrency.
    maxConcurrency: 20,
  },
];

/** Functions fed by the table's stream, with the filter Lambda applies before invoking them. */
export interface StreamConsumerSpec {
  consumer: FunctionName;
  /** Only INSERTs of items whose `entity` is this value reach the function. */
  entity: string;
  batchSize: number;
  /** Retries of a failing batch before it goes to the failure destination. */
  retryAttempts: number;
}

export const STREAM_CONSUMERS: readonly StreamConsumerSpec[] = [
  { consumer: 'dispatch-events', entity: 'event', batchSize: 50, retryAttempts: 10 },
];

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem';

/**
 * A function's rights on the single table: exactly these actions (no "readWrite" bundles), and
 * DeleteItem only where it deletes, limited to the key prefixes it deletes. `onlyKeys` limits
 * every action to items whose partition key starts so (dynamodb:LeadingKeys).
 */
export interface TableAccess {
  actions: readonly Exclude<TableAction, 'DeleteItem'>[];
  /** Partition-key patterns (each entity's `partitionPattern`) this function may delete. */
  deletes?: readonly string[];
  onlyKeys?: readonly string[];
}

const READ_ORDER: TableAccess = { actions: ['GetItem'] };
/** A state transition: read the order, then one transaction of conditional puts. */
const TRANSITION: TableAccess = { actions: ['GetItem', 'PutItem'] };
/** A transition that also books money: ledger totals move with atomic ADD (UpdateItem). */
const BOOKED_TRANSITION: TableAccess = { actions: ['GetItem', 'PutItem', 'UpdateItem'] };
/**
 * Applying a payment (webhook, poll, expiry check): transitions, payment records, operation numbers,
 * anomalies — and a double payment's refund proposal, whose reservation checks the order's version
 * (ConditionCheckItem; decision 114).
 */
const APPLY_PAYMENT: TableAccess = {
  actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
};
/**
 * Reconciling a settlement report: orders read in batches, payments applied (the payment path),
 * orders settled in transactions that also check refunds (ConditionCheck), lines and tallies.
 */
const RECONCILE: TableAccess = {
  actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
};
/** Idempotency records: put (claim, result) and — after a failed call — deleted (decisions 62, 132). */
const IDEMPOTENT_CREATE = { deletes: [idempotencyRecordEntity.partitionPattern] } as const;

/** What a function may touch. The function construct turns each into an env var + least-privilege grant. */
export interface FunctionSpec {
  /** Path of the handler module, relative to the project root; it exports `handler`. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  table?: TableAccess;
  /** Writes raw PSP notifications (PutItem only) to their own table. */
  rawNotifications?: 'write';
  /** Needs the PagoEfectivo merchant credentials (Secrets Manager in AWS). */
  psp?: 'api' | 'signatureKey';
  /**
   * Calls the stage's wallet provider (decision 104; ingest-notification only checks Culqi's webhook
   * basic auth): on a Culqi stage, the Culqi secret (CULQI_SECRET_ARN) and WALLET_PROVIDER.
   * test/infra/wallet-functions.test.ts holds it to the code: set exactly where a function's
   * bundle imports the wallet provider.
   */
  wallet?: true;
  /** Serves listings: seals and opens their cursors with the stage's cursor key (decision 76). */
  cursors?: true;
  sendsTo?: QueueName;
  /** Puts events on the stage's EventBridge bus. */
  publishesEvents?: boolean;
  /**
   * The stage's settlement-report bucket: `presign` hands out upload URLs (PutObject on
   * `incoming/*`), `read` reconciles what lands there (GetObject). Both get SETTLEMENT_CONFIG.
   */
  settlementReports?: 'presign' | 'read';
  /** Gets the stage's settlement config (SETTLEMENT_CONFIG) without touching the bucket. */
  settlementConfig?: boolean;
  /** Gets the stage's payout schedule (PAYOUT_SCHEDULE). */
  payoutSchedule?: boolean;
  /** Gets the stage's risk rules and review gate (RISK_RULES, RISK_REVIEW_REQUIRED). */
  riskRules?: boolean;
  /**
   * Reserved concurrency: caps (and guarantees) how many run at once. 1 for scheduled jobs, so a
   * run can never overlap the previous one; a cap where a burst would starve the API or hammer
   * the PSP.
   */
  reservedConcurrency?: number;
  /** Mints voucher pages: gets the API's public base URL (PUBLIC_BASE_URL) for their links. */
  publicBaseUrl?: boolean;
  /** Renders voucher pages: gets the stage's page settings (VOUCHER_PAGE). */
  voucherPage?: boolean;
  /** Sends expiry reminders: gets the stage's lead times (REMINDER_LEAD_MINUTES). */
  reminders?: boolean;
  /** Expires orders: gets the stage's grace after a deadline (EXPIRY_GRACE_SECONDS). */
  expiryGrace?: boolean;
  /**
   * Requests or approves refunds (the refunds API, and every function that applies payments, which
   * files double payments' refund proposals): gets the stage's maker-checker thresholds
   * (REFUND_APPROVAL_THRESHOLD, REFUND_DAILY_APPROVAL_THRESHOLD).
   */
  refundApproval?: boolean;
}

/**
 * Built by a pure call: its entries read the entities' key patterns, and esbuild keeps an unused
 * literal that reads an import's properties. So a function bundle, which needs SERVICE or ROUTES
 * from this module but not the specs, leaves them out (10 KiB less to load in every function).
 */
export const FUNCTIONS: Record<FunctionName, FunctionSpec> = /* @__PURE__ */ (() => ({
  authorizer: {
    entry: 'functions/handlers/authorizer.handler.ts',
    timeoutSeconds: 5,
    memoryMb: 256,
    table: { actions: ['GetItem'], onlyKeys: [apiKeyEntity.partitionPattern] },
  },
  'create-order': {
    entry: 'functions/handlers/create-order.handler.ts',
    wallet: true,
    timeoutSeconds: 20,
    memoryMb: 512,
    // Query + BatchGetItem: the risk rules read the buyer's recent orders; UpdateItem: risk counters.
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'], ...IDEMPOTENT_CREATE },
    riskRules: true,
    psp: 'api',
    publicBaseUrl: true,
  },
  'get-order': {
    entry: 'functions/handlers/get-order.handler.ts',
    timeoutSeconds: 5,
    memoryMb: 256,
    table: READ_ORDER,
  },
  'get-voucher': {
    entry: 'functions/handlers/get-voucher.handler.ts',
    timeoutSeconds: 5,
    memoryMb: 256,
    table: READ_ORDER,
  },
  'list-orders': {
    entry: 'functions/handlers/list-orders.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { actions: ['GetItem', 'BatchGetItem', 'Query'] },
  },
  'cancel-order': {
    entry: 'functions/handlers/cancel-order.handler.ts',
    wallet: true,
    timeoutSeconds: 20,
    memoryMb: 512,
    table: { ...TRANSITION, ...IDEMPOTENT_CREATE },
    psp: 'api',
  },
  'add-payment-option': {
    entry: 'functions/handlers/add-payment-option.handler.ts',
    wallet: true,
    timeoutSeconds: 20,
    memoryMb: 512,
    table: TRANSITION,
    psp: 'api',
  },
  'extend-expiry': {
    entry: 'functions/handlers/extend-expiry.handler.ts',
    timeoutSeconds: 20,
    memoryMb: 512,
    table: TRANSITION,
    psp: 'api',
  },
  openapi: { entry: 'functions/handlers/openapi.handler.ts', timeoutSeconds: 5, memoryMb: 256 },
  'ingest-notification': {
    entry: 'functions/handlers/ingest-notification.handler.ts',
    wallet: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    rawNotifications: 'write',
    psp: 'signatureKey',
    sendsTo: 'payment-notifications',
    // Guaranteed, not only capped: with the account's pool shared, create-order waiting on a slow
    // PagoEfectivo (20 s timeout) could take every unit, and API Gateway answers a throttled
    // Lambda with 500 — to the PSP posting a payment. 50 at ~50 ms each is ~1,000 notifications/s.
    reservedConcurrency: 50,
  },
  'apply-payment': {
    entry: 'functions/handlers/apply-payment.handler.ts',
    // A payment it applies may be a double payment, whose refund proposal is filed here (decision 114).
    refundApproval: true,
    wallet: true,
    timeoutSeconds: 30,
    memoryMb: 512,
    table: APPLY_PAYMENT,
    // Closes the options a payment made redundant (the CIP deleted; decision 104).
    psp: 'api',
  },
  refunds: {
    entry: 'functions/handlers/refunds.handler.ts',
    cursors: true,
    refundApproval: true,
    // dLocal refunds are requested from dLocal on approval; a refund back to a wallet payment from
    // the wallet's provider (decision 114).
    psp: 'api',
    wallet: true,
    timeoutSeconds: 20,
    memoryMb: 256,
    table: {
      // ConditionCheckItem: an approval checks the order is unchanged (settled or not decides the bucket).
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      deletes: [idempotencyRecordEntity.partitionPattern],
    },
  },
  ledger: {
    entry: 'functions/handlers/ledger.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { actions: ['GetItem', 'BatchGetItem', 'Query'] },
    payoutSchedule: true,
  },
  'list-anomalies': {
    entry: 'functions/handlers/list-anomalies.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { actions: ['Query', 'BatchGetItem'] },
  },
  'resolve-anomaly': {
    entry: 'functions/handlers/resolve-anomaly.handler.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { actions: ['GetItem', 'UpdateItem'] },
  },
  'fulfil-order': {
    entry: 'functions/handlers/fulfil-order.handler.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { ...TRANSITION, ...IDEMPOTENT_CREATE },
    riskRules: true,
  },
  'risk-review': {
    entry: 'functions/handlers/risk-review.handler.ts',
    wallet: true,
    cursors: true,
    timeoutSeconds: 20,
    memoryMb: 256,
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] },
    psp: 'api',
  },
  'accept-late-payment': {
    entry: 'functions/handlers/accept-late-payment.handler.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { ...BOOKED_TRANSITION, ...IDEMPOTENT_CREATE },
    // Its order actions share the fulfil gate's code, which reads RISK_REVIEW_REQUIRED.
    riskRules: true,
  },
  'sync-pending': {
    entry: 'functions/handlers/sync-pending.handler.ts',
    // A payment it applies may be a double payment, whose refund proposal is filed here (decision 114).
    refundApproval: true,
    wallet: true,
    timeoutSeconds: 120,
    memoryMb: 512,
    // …and deletes a payment's unconfirmed-date marker once the provider's date is recorded.
    table: { ...APPLY_PAYMENT, deletes: [unconfirmedPaymentDateEntity.partitionPattern] },
    psp: 'api',
    reservedConcurrency: 1,
  },
  'expire-orders': {
    entry: 'functions/handlers/expire-orders.handler.ts',
    // A payment it applies may be a double payment, whose refund proposal is filed here (decision 114).
    refundApproval: true,
    wallet: true,
    expiryGrace: true,
    timeoutSeconds: 60,
    memoryMb: 512,
    table: APPLY_PAYMENT,
    psp: 'api',
    reservedConcurrency: 1,
  },
  'webhook-endpoints': {
    entry: 'functions/handlers/webhook-endpoints.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      deletes: [idempotencyRecordEntity.partitionPattern, webhookEndpointEntity.partitionPattern],
    },
  },
  events: {
    entry: 'functions/handlers/events.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: { actions: ['GetItem', 'BatchGetItem', 'Query'] },
    sendsTo: 'webhook-deliveries',
  },
  'dispatch-events': {
    entry: 'functions/handlers/dispatch-events.handler.ts',
    timeoutSeconds: 60,
    memoryMb: 512,
    table: { actions: ['GetItem', 'BatchGetItem', 'Query'] },
    sendsTo: 'webhook-deliveries',
    publishesEvents: true,
  },
  'deliver-webhooks': {
    entry: 'functions/handlers/deliver-webhooks.handler.ts',
    timeoutSeconds: 15,
    memoryMb: 256,
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
  },
  settlements: {
    entry: 'functions/handlers/settlements.handler.ts',
    // A payment it applies may be a double payment, whose refund proposal is filed here (decision 114).
    refundApproval: true,
    cursors: true,
    // API Gateway answers 504 after 29 s; the import pauses before that (202) and resumes on a re-POST.
    timeoutSeconds: 29,
    memoryMb: 1024,
    table: RECONCILE,
    settlementReports: 'presign',
    // A payment a report lists and we never heard of is confirmed with the PSP's search first (decision 135).
    psp: 'api',
  },
  'reconcile-upload': {
    entry: 'functions/handlers/reconcile-upload.handler.ts',
    // A payment it applies may be a double payment, whose refund proposal is filed here (decision 114).
    refundApproval: true,
    timeoutSeconds: 900,
    memoryMb: 1024,
    table: RECONCILE,
    settlementReports: 'read',
    // As for settlements: a payment heard of only in the report is asked of the PSP (decision 135).
    psp: 'api',
    // Reports are few; two at once keeps a re-upload from racing its own first run for long.
    reservedConcurrency: 2,
  },
  'check-unsettled': {
    entry: 'functions/handlers/check-unsettled.handler.ts',
    timeoutSeconds: 120,
    memoryMb: 512,
    table: APPLY_PAYMENT,
    settlementConfig: true,
    reservedConcurrency: 1,
  },
  payouts: {
    entry: 'functions/handlers/payouts.handler.ts',
    cursors: true,
    timeoutSeconds: 10,
    memoryMb: 256,
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      deletes: [idempotencyRecordEntity.partitionPattern],
    },
    payoutSchedule: true,
  },
  'create-payouts': {
    entry: 'functions/handlers/create-payouts.handler.ts',
    timeoutSeconds: 300,
    memoryMb: 512,
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    payoutSchedule: true,
    reservedConcurrency: 1,
  },
  'voucher-page': {
    entry: 'functions/handlers/voucher-page.handler.ts',
    timeoutSeconds: 5,
    memoryMb: 256,
    // The public page reads its token's pointer and the order, nothing else.
    table: {
      actions: ['GetItem'],
      onlyKeys: [voucherPageEntity.partitionPattern, orderEntity.partitionPattern],
    },
    voucherPage: true,
  },
  'remind-expiring': {
    entry: 'functions/handlers/remind-expiring.handler.ts',
    timeoutSeconds: 120,
    memoryMb: 512,
    // Query: the pending index; GetItem: the order itself; PutItem: the reminder's event.
    table: { actions: ['GetItem', 'Query', 'PutItem'] },
    reminders: true,
    reservedConcurrency: 1,
  },
  'ledger-integrity': {
    entry: 'functions/handlers/ledger-integrity.handler.ts',
    // Each run reads until its time is nearly up, checkpoints, and the next run resumes.
    timeoutSeconds: 300,
    memoryMb: 512,
    // Query: the ledger index and approved payouts; BatchGetItem: balances; PutItem: its run,
    // report and event. No UpdateItem, no DeleteItem: it never changes the ledger it checks.
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'] },
    reservedConcurrency: 1,
  },
}))();

export type JobName =
  | 'sync-pending'
  | 'expire-orders'
  | 'check-unsettled'
  | 'create-payouts'
  | 'remind-expiring'
  | 'ledger-integrity';

export interface ScheduleSpec {
  name: JobName;
  function: FunctionName;
  /** The stage's rate comes from lib/stage-config.ts; this is the local stack's default cadence. */
  localEverySeconds: number;
}

/** EventBridge Scheduler in AWS; the local stack's scheduler runs the same handlers. */
export const SCHEDULES: readonly ScheduleSpec[] = [
  { name: 'sync-pending', function: 'sync-pending', localEverySeconds: 60 },
  { name: 'expire-orders', function: 'expire-orders', localEverySeconds: 15 },
  { name: 'check-unsettled', function: 'check-unsettled', localEverySeconds: 3600 },
  { name: 'create-payouts', function: 'create-payouts', localEverySeconds: 3600 },
  { name: 'remind-expiring', function: 'remind-expiring', localEverySeconds: 300 },
  // Locally too: a pass a day (the first run of each Lima day), resumed hourly if unfinished.
  { name: 'ledger-integrity', function: 'ledger-integrity', localEverySeconds: 3600 },
];

/** Physical name of a resource in a stage; every stage gets its own. */
export function physicalName(base: string, stage: string): string {
  return `pagoefectivo-${stage}-${base}`;
}

/**
 * The stage's settlement-report bucket. Bucket names are global, so account and region are part of
 * it; both stacks derive it from here, so the service stack needs no cross-stack reference to it.
 */
export const settlementReportsBucketName = (stage: string, account: string, region: string) =>
  `${physicalName('settlement-reports', stage)}-${account}-${region}`;

/** The API Gateway usage plan every client API key of a stage joins (per-client throttle). */
export const usagePlanName = (stage: string) => physicalName('clients', stage);
