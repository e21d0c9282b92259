import { z } from 'zod';
import { DEFAULT_EXPIRY_GRACE_SECONDS, PROVIDERS, type ProviderName } from '#lib/topology';

/**
 * The only module that reads process.env, parsed with zod. Every handler parses it while its
 * module loads (platform/lambda-handler.ts `powertoolsMiddy()`), i.e. in Lambda's init phase: a
 * missing or malformed variable fails the deployment's first cold start, not a request later.
 * Variables only some functions have are optional here and checked where they are used
 * (`tableName()`); test/infra checks every function initialises with its template's environment.
 */
const EnvSchema = z
  .object({
    STAGE: z.string().min(1).default('local'),
    /** Only functions the topology grants the table have it (read it with `tableName()`). */
    TABLE_NAME: z.string().min(1).optional(),
    /** Only the ingest function has it (lib/topology.ts RAW_NOTIFICATIONS_TABLE). */
    RAW_NOTIFICATION_TABLE_NAME: z.string().min(1).optional(),
    PAYMENT_QUEUE_URL: z.string().min(1).optional(),
    PAGOEFECTIVO_BASE_URL: z.url().default('https://pre1a.services.pagoefectivo.pe'),
    /** In AWS: a Secrets Manager secret holding {serviceId, accessKey, secretKey}. */
    PAGOEFECTIVO_SECRET_ARN: z.string().min(1).optional(),
    /** Locally (no Secrets Manager emulator): the credentials themselves. */
    PAGOEFECTIVO_SERVICE_ID: z.string().regex(/^\d+$/).optional(),
    PAGOEFECTIVO_ACCESS_KEY: z.string().min(1).optional(),
    PAGOEFECTIVO_SECRET_KEY: z.string().min(1).optional(),
    PSP_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
    /** Who issues vouchers in this stage: PagoEfectivo directly, or through dLocal (docs/providers.md). */
    PSP_PROVIDER: z.enum(PROVIDERS).default('pagoefectivo'),
    DLOCAL_BASE_URL: z.url().default('https://sandbox.dlocal.com'),
    /** In AWS: a Secrets Manager secret holding {login, transKey, secretKey}. */
    DLOCAL_SECRET_ARN: z.string().min(1).optional(),
    /** Locally: the credentials themselves. */
    DLOCAL_LOGIN: z.string().min(1).optional(),
    DLOCAL_TRANS_KEY: z.string().min(1).optional(),
    DLOCAL_SECRET_KEY: z.string().min(1).optional(),
    /** Endpoint overrides used by the embedded local stack only. */
    DYNAMODB_ENDPOINT: z.url().optional(),
    SQS_ENDPOINT: z.url().optional(),
    // Lambda sets it; the local stack and scripts set it too. No fallback that could hide a mistake.
    AWS_REGION: z.string().min(1),
    WEBHOOK_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    RAW_WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
    /** An order is expired this long after its expiresAt (payments made at the deadline still land). */
    EXPIRY_GRACE_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_EXPIRY_GRACE_SECONDS),
    /** Past this overdue time, an order is expired even when the PSP cannot be asked (a later payment → PAID_LATE). */
    EXPIRY_FORCE_AFTER_SECONDS: z.coerce.number().int().min(0).default(3600),
    /** Upper bound of orders one job run handles; the rest waits for the next run (continuation). */
    JOB_MAX_ORDERS: z.coerce.number().int().positive().default(2000),
    /** Approved refunds not paid out after this many days are counted (RefundsOverdue, alarmed). */
    REFUND_OVERDUE_DAYS: z.coerce.number().positive().default(3),
    /** The stage's EventBridge bus for order events. */
    EVENT_BUS_NAME: z.string().min(1).optional(),
    EVENTBRIDGE_ENDPOINT: z.url().optional(),
    WEBHOOK_DELIVERY_QUEUE_URL: z.string().min(1).optional(),
    /** Delay before each retry of a failed outgoing webhook, in seconds (Standard Webhooks-style schedule). */
    WEBHOOK_RETRY_SCHEDULE_SECONDS: z
      .string()
      .regex(/^\d+(,\d+)*$/)
      .default('5,300,1800,7200,18000,36000,36000')
      .transform((value) => value.split(',').map(Number)),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** An endpoint that has failed without a single success for this long is disabled. */
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
      .number()
      .positive()
      .default(5 * 24),
    /** After a secret rotation, the old secret keeps signing (next to the new one) this long. */
    WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().positive().default(24),
    /** Refunds at or above this (minor units) need a second API key to approve them (maker-checker). */
    REFUND_APPROVAL_THRESHOLD: z.coerce.number().int().min(0).default(50_000),
    /** The stage's settlement report layout and PSP contract, as JSON (functions/settlements/report-config.ts). */
    SETTLEMENT_CONFIG: z.string().min(2).optional(),
    /** Where large settlement reports are uploaded (S3, one bucket per stage); absent locally. */
    SETTLEMENT_BUCKET_NAME: z.string().min(1).optional(),
    /** Anti-fraud rules at order creation, as JSON (functions/risk/rules.ts); absent: the defaults. */
    RISK_RULES: z.string().min(2).optional(),
    /** Flagged orders cannot be fulfilled until reviewed (`false` turns the gate off). */
    RISK_REVIEW_REQUIRED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    /** When and how sellers are paid, as JSON (functions/payouts/schedule.ts). */
    PAYOUT_SCHEDULE: z.string().min(2).optional(),
    /**
     * Where buyers reach this API (`https://…/{stage}` or a custom domain), for the voucher page
     * URLs given with every order. Only the functions that mint or announce pages have it.
     */
    PUBLIC_BASE_URL: z
      .url()
      .optional()
      .transform((url) => url?.replace(/\/+$/, '')),
    /** The voucher page's stage settings as JSON `{marketplaceName, whereToPayUrl}` (functions/voucher-page). */
    VOUCHER_PAGE: z.string().min(2).optional(),
    /** Minutes before the deadline at which `order.expiring_soon` is sent, comma-separated (empty: none). */
    REMINDER_LEAD_MINUTES: z
      .string()
      .regex(/^(\d+(,\d+)*)?$/)
      .default('360')
      .transform((value) => (value === '' ? [] : value.split(',').map(Number))),
    /** CIPs per POST /v1/cips/search call. */
    PSP_SEARCH_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine(
    (env) =>
      env.PAGOEFECTIVO_SECRET_ARN !== undefined ||
      env.PAGOEFECTIVO_SECRET_KEY !== undefined ||
      env.PAGOEFECTIVO_ACCESS_KEY === undefined,
    { message: 'PAGOEFECTIVO_ACCESS_KEY given without PAGOEFECTIVO_SECRET_KEY' },
  );

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

export function config(): Config {
  if (cached === undefined) {
    const parsed = EnvSchema.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/**
 * The single table's name. Not every function has the table (the PSP ingest, the OpenAPI
 * document): the environment schema leaves it optional, and using the table where the topology
 * granted none fails here, by name.
 */
export function tableName(): string {
  const name = config().TABLE_NAME;
  if (name === undefined)
    throw new Error('TABLE_NAME is not set: this function has no table (lib/topology.ts)');
  return name;
}

/**
 * The stage's voucher provider alone, for the metrics' default dimension: read without the rest
 * of the environment, because every function (even one with no table) emits metrics.
 */
export function stageProvider(): ProviderName {
  return z.enum(PROVIDERS).catch('pagoefectivo').parse(process.env.PSP_PROVIDER);
}

/**
 * Whether this stage traces each AWS SDK call (X-Ray subsegments): read on its own, while the
 * tracing module loads, like `stageProvider()`.
 */
export function traceAwsSdkCalls(): boolean {
  return process.env.TRACE_AWS_SDK_CALLS === 'true';
}

/** For the local stack and tests, which set the environment after this module was loaded. */
export function resetConfigForTests(): void {
  cached = undefined;
}
