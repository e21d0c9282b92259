// zod/mini, not zod's classic API: every function parses this at init, and the mini schemas
// are much cheaper to build there (decision 56).
import * as z from 'zod/mini';
import { DEFAULT_EXPIRY_GRACE_SECONDS, PROVIDERS, type ProviderName } from '#lib/topology';
import { issuesText } from './zod-english';

const _default = z._default;

/**
 * The only module that reads process.env, parsed with zod. Every handler parses it while its
 * module loads (platform/lambda-handler.ts `powertoolsMiddy()`), i.e. in Lambda's init phase: a
 * missing or malformed variable fails the deployment's first cold start, not a request later.
 * Variables only some functions have are optional here and checked where they are used
 * (`tableName()`); test/infra checks every function initialises with its template's environment.
 *
 * Each variable's schema is built only when it is needed (decision 58): at init for every variable
 * the deployment sets (and AWS_REGION, which it must), so a bad value still fails the first cold
 * start; for a variable left unset, when its default is first read. A function gets a handful of
 * the ~45 variables; building all their schemas cost every cold start ~4 ms.
 */
/** A non-empty string (or at least `min` characters). */
const text = (min = 1) => z.string().check(z.minLength(min));
/** A whole number given as text (env values are strings), within bounds. */
const whole = (bounds: { min: number; max?: number }) =>
  z.coerce
    .number()
    .check(z.multipleOf(1), z.gte(bounds.min), ...(bounds.max === undefined ? [] : [z.lte(bounds.max)]));
const positive = () => z.coerce.number().check(z.positive());
/** Comma-separated whole numbers (`5,300,1800`), as a list. */
const numberList = (pattern: RegExp, fallback: string) =>
  z.pipe(
    _default(z.string().check(z.regex(pattern)), fallback),
    z.transform((value) => (value === '' ? [] : value.split(',').map(Number))),
  );

/** Each variable's schema, as a builder: see above for when each is built. */
const VARIABLES = {
  STAGE: () => _default(text(), 'local'),
  /** Only functions the topology grants the table have it (read it with `tableName()`). */
  TABLE_NAME: () => z.optional(text()),
  /** Only the ingest function has it (lib/topology.ts RAW_NOTIFICATIONS_TABLE). */
  RAW_NOTIFICATION_TABLE_NAME: () => z.optional(text()),
  PAYMENT_QUEUE_URL: () => z.optional(text()),
  PAGOEFECTIVO_BASE_URL: () => _default(z.url(), 'https://pre1a.services.pagoefectivo.pe'),
  /** In AWS: a Secrets Manager secret holding {serviceId, accessKey, secretKey}. */
  PAGOEFECTIVO_SECRET_ARN: () => z.optional(text()),
  /** Locally (no Secrets Manager emulator): the credentials themselves. */
  PAGOEFECTIVO_SERVICE_ID: () => z.optional(z.string().check(z.regex(/^\d+$/))),
  PAGOEFECTIVO_ACCESS_KEY: () => z.optional(text()),
  PAGOEFECTIVO_SECRET_KEY: () => z.optional(text()),
  PSP_TIMEOUT_MS: () => _default(whole({ min: 1 }), 8000),
  /** Who issues vouchers in this stage: PagoEfectivo directly, or through dLocal (docs/providers.md). */
  PSP_PROVIDER: () => _default(z.enum(PROVIDERS), 'pagoefectivo'),
  DLOCAL_BASE_URL: () => _default(z.url(), 'https://sandbox.dlocal.com'),
  /** In AWS: a Secrets Manager secret holding {login, transKey, secretKey}. */
  DLOCAL_SECRET_ARN: () => z.optional(text()),
  /** Locally: the credentials themselves. */
  DLOCAL_LOGIN: () => z.optional(text()),
  DLOCAL_TRANS_KEY: () => z.optional(text()),
  DLOCAL_SECRET_KEY: () => z.optional(text()),
  /** Endpoint overrides used by the embedded local stack only. */
  DYNAMODB_ENDPOINT: () => z.optional(z.url()),
  SQS_ENDPOINT: () => z.optional(z.url()),
  /** Path-style S3 endpoint (tests run s3rver); in AWS the bucket's own virtual-hosted endpoint. */
  S3_ENDPOINT: () => z.optional(z.url()),
  /** Secrets Manager endpoint (tests run a local one); in AWS the region's. */
  SECRETS_MANAGER_ENDPOINT: () => z.optional(z.url()),
  // Lambda sets it; the local stack and scripts set it too (ALWAYS_CHECKED below).
  AWS_REGION: () => text(),
  WEBHOOK_MAX_BODY_BYTES: () => _default(whole({ min: 1 }), 64 * 1024),
  RAW_WEBHOOK_RETENTION_DAYS: () => _default(whole({ min: 1 }), 90),
  /** An order is expired this long after its expiresAt (payments made at the deadline still land). */
  EXPIRY_GRACE_SECONDS: () => _default(whole({ min: 0 }), DEFAULT_EXPIRY_GRACE_SECONDS),
  /** Past this overdue time, an order is expired even when the PSP cannot be asked (a later payment → PAID_LATE). */
  EXPIRY_FORCE_AFTER_SECONDS: () => _default(whole({ min: 0 }), 3600),
  /** Upper bound of orders one job run handles; the rest waits for the next run (continuation). */
  JOB_MAX_ORDERS: () => _default(whole({ min: 1 }), 2000),
  /** Approved refunds not paid out after this many days are counted (RefundsOverdue, alarmed). */
  REFUND_OVERDUE_DAYS: () => _default(positive(), 3),
  /** The stage's EventBridge bus for order events. */
  EVENT_BUS_NAME: () => z.optional(text()),
  EVENTBRIDGE_ENDPOINT: () => z.optional(z.url()),
  WEBHOOK_DELIVERY_QUEUE_URL: () => z.optional(text()),
  /** Delay before each retry of a failed outgoing webhook, in seconds (Standard Webhooks-style schedule). */
  WEBHOOK_RETRY_SCHEDULE_SECONDS: () => numberList(/^\d+(,\d+)*$/, '5,300,1800,7200,18000,36000,36000'),
  WEBHOOK_TIMEOUT_MS: () => _default(whole({ min: 1 }), 10_000),
  /** An endpoint that has failed without a single success for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_HOURS: () => _default(positive(), 5 * 24),
  /** After a secret rotation, the old secret keeps signing (next to the new one) this long. */
  WEBHOOK_SECRET_OVERLAP_HOURS: () => _default(positive(), 24),
  /** Refunds at or above this (minor units) need a second API key to approve them (maker-checker). */
  REFUND_APPROVAL_THRESHOLD: () => _default(whole({ min: 0 }), 50_000),
  /** The stage's settlement report layout and PSP contract, as JSON (functions/settlements/report-config.ts). */
  SETTLEMENT_CONFIG: () => z.optional(text(2)),
  /** Where large settlement reports are uploaded (S3, one bucket per stage); absent locally. */
  SETTLEMENT_BUCKET_NAME: () => z.optional(text()),
  /** Anti-fraud rules at order creation, as JSON (functions/risk/rules.ts); absent: the defaults. */
  RISK_RULES: () => z.optional(text(2)),
  /** Flagged orders cannot be fulfilled until reviewed (`false` turns the gate off). */
  RISK_REVIEW_REQUIRED: () =>
    z.pipe(
      _default(z.enum(['true', 'false']), 'true'),
      z.transform((value) => value === 'true'),
    ),
  /** When and how sellers are paid, as JSON (functions/payouts/schedule.ts). */
  PAYOUT_SCHEDULE: () => z.optional(text(2)),
  /**
   * Where buyers reach this API (`https://…/{stage}` or a custom domain), for the voucher page
   * URLs given with every order. Only the functions that mint or announce pages have it.
   */
  PUBLIC_BASE_URL: () =>
    z.pipe(
      z.optional(z.url()),
      z.transform((url) => url?.replace(/\/+$/, '')),
    ),
  /** The voucher page's stage settings as JSON `{marketplaceName, whereToPayUrl}` (functions/voucher-page). */
  VOUCHER_PAGE: () => z.optional(text(2)),
  /** Minutes before the deadline at which `order.expiring_soon` is sent, comma-separated (empty: none). */
  REMINDER_LEAD_MINUTES: () => numberList(/^(\d+(,\d+)*)?$/, '360'),
  /** CIPs per POST /v1/cips/search call. */
  PSP_SEARCH_BATCH_SIZE: () => _default(whole({ min: 1, max: 100 }), 25),
} satisfies Record<string, () => z.ZodMiniType>;

/** Checked on every environment, set or not: Lambda sets it, and there is no fallback that could hide a mistake. */
const ALWAYS_CHECKED: readonly (keyof typeof VARIABLES)[] = ['AWS_REGION'];

/** Rules across variables, checked at init with the variables set. */
const acrossVariables = (env: Partial<Record<keyof typeof VARIABLES, unknown>>) =>
  env.PAGOEFECTIVO_SECRET_ARN !== undefined ||
  env.PAGOEFECTIVO_SECRET_KEY !== undefined ||
  env.PAGOEFECTIVO_ACCESS_KEY === undefined;

type Variable = keyof typeof VARIABLES;
export type Config = { readonly [K in Variable]: z.output<ReturnType<(typeof VARIABLES)[K]>> };

let cached: Config | undefined;

export function config(): Config {
  if (cached === undefined) {
    const checked = (Object.keys(VARIABLES) as Variable[]).filter(
      (name) => process.env[name] !== undefined || ALWAYS_CHECKED.includes(name),
    );
    const parsed = z
      .object(Object.fromEntries(checked.map((name) => [name, VARIABLES[name]()])))
      .check(
        z.refine(acrossVariables, {
          message: 'PAGOEFECTIVO_ACCESS_KEY given without PAGOEFECTIVO_SECRET_KEY',
        }),
      )
      .safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${issuesText(parsed.error)}`);
    }
    const values: Record<string, unknown> = parsed.data;
    // An unset variable's default (a constant of this file, so nothing to validate) when first read.
    for (const name of Object.keys(VARIABLES) as Variable[]) {
      if (name in values) continue;
      Object.defineProperty(values, name, {
        enumerable: true,
        configurable: true,
        get: () => {
          const value = VARIABLES[name]().parse(undefined);
          Object.defineProperty(values, name, { value, enumerable: true });
          return value;
        },
      });
    }
    cached = values as Config;
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
  const name = process.env.PSP_PROVIDER;
  // Anything else falls back to the default here; config() refuses it by name at init.
  return PROVIDERS.find((provider) => provider === name) ?? 'pagoefectivo';
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
