import {
  DEFAULT_EXPIRY_GRACE_SECONDS,
  PAYMENT_METHODS,
  type PaymentMethod,
  PROVIDERS,
  type ProviderName,
  WALLET_PROVIDERS,
  type WalletProviderName,
} from '#contract/service';

/**
 * The only module that reads process.env. Every handler reads it while its module loads
 * (platform/lambda-handler.ts `powertoolsMiddy()`), i.e. in Lambda's init phase: a missing or
 * malformed variable fails the deployment's first cold start, not a request later, and the error
 * names every variable that is wrong. Variables only some functions have are optional here and
 * checked where they are used (`tableName()`); test/infra checks every function initialises with
 * its template's environment.
 *
 * Checked by the small parsers below, not by a zod schema (decision 68): the environment is the
 * deployment's, not an API input, and building and running a zod object for it cost every cold
 * start 0.03–0.04 of the AWS SDK floor's whole import work (env-var, the library made for this,
 * costs as much as zod/mini just to import).
 */

/** Why a variable's text is refused (collected, then thrown as one error naming each variable). */
class Refused extends Error {}
const refuse = (reason: string): never => {
  throw new Refused(reason);
};

/** A variable's value from the text the deployment set. */
type Parse<T> = (raw: string) => T;
/** A variable: its value from the deployment's text, or from nothing when it is unset. */
interface Variable<T> {
  read(raw: string | undefined): T;
}

const required = <T>(parse: Parse<T>): Variable<T> => ({
  read: (raw) => (raw === undefined ? refuse('required, not set') : parse(raw)),
});
const optional = <T>(parse: Parse<T>): Variable<T | undefined> => ({
  read: (raw) => (raw === undefined ? undefined : parse(raw)),
});
const withDefault = <T>(parse: Parse<T>, fallback: T): Variable<T> => ({
  read: (raw) => (raw === undefined ? fallback : parse(raw)),
});

/** A non-empty string (or at least `min` characters). */
const text =
  (min = 1): Parse<string> =>
  (raw) =>
    raw.length >= min ? raw : refuse(`expected at least ${min} character${min === 1 ? '' : 's'}`);
const digits: Parse<string> = (raw) => (/^\d+$/.test(raw) ? raw : refuse('expected digits only'));
/** A number given as text (env values are strings); blank is refused, not read as 0. */
const numeric = (raw: string): number => {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : refuse(`expected a number, got "${raw}"`);
};
/** A whole number within bounds. */
const whole =
  (bounds: { min: number; max?: number }): Parse<number> =>
  (raw) => {
    const value = numeric(raw);
    if (!Number.isInteger(value)) refuse(`expected a whole number, got "${raw}"`);
    if (value < bounds.min) refuse(`expected at least ${bounds.min}, got ${value}`);
    if (bounds.max !== undefined && value > bounds.max)
      refuse(`expected at most ${bounds.max}, got ${value}`);
    return value;
  };
const positive: Parse<number> = (raw) => {
  const value = numeric(raw);
  return value > 0 ? value : refuse(`expected a number above 0, got ${value}`);
};
/** An absolute URL (surrounding whitespace dropped). */
const url: Parse<string> = (raw) => {
  const value = raw.trim();
  return URL.canParse(value) ? value : refuse(`expected an absolute URL, got "${raw}"`);
};
const oneOf =
  <T extends string>(values: readonly T[]): Parse<T> =>
  (raw) =>
    values.find((value) => value === raw) ?? refuse(`expected one of ${values.join(', ')}, got "${raw}"`);
const flag: Parse<boolean> = (raw) => oneOf(['true', 'false'])(raw) === 'true';
/** Comma-separated whole numbers (`5,300,1800`), as a list; `allowEmpty`: '' is the empty list. */
const numberList =
  (allowEmpty: boolean): Parse<number[]> =>
  (raw) => {
    if (raw === '' && allowEmpty) return [];
    return /^\d+(,\d+)*$/.test(raw)
      ? raw.split(',').map(Number)
      : refuse(`expected comma-separated whole numbers, got "${raw}"`);
  };

const VARIABLES = {
  STAGE: withDefault(text(), 'local'),
  /** Only functions the topology grants the table have it (read it with `tableName()`). */
  TABLE_NAME: optional(text()),
  /** Only the ingest function has it (lib/topology.ts RAW_NOTIFICATIONS_TABLE). */
  RAW_NOTIFICATION_TABLE_NAME: optional(text()),
  PAYMENT_QUEUE_URL: optional(text()),
  PAGOEFECTIVO_BASE_URL: withDefault(url, 'https://pre1a.services.pagoefectivo.pe'),
  /** In AWS: a Secrets Manager secret holding {serviceId, accessKey, secretKey}. */
  PAGOEFECTIVO_SECRET_ARN: optional(text()),
  /** Locally (no Secrets Manager emulator): the credentials themselves. */
  PAGOEFECTIVO_SERVICE_ID: optional(digits),
  PAGOEFECTIVO_ACCESS_KEY: optional(text()),
  PAGOEFECTIVO_SECRET_KEY: optional(text()),
  PSP_TIMEOUT_MS: withDefault(whole({ min: 1 }), 8000),
  /** Who issues vouchers in this stage: PagoEfectivo directly, or through dLocal (docs/providers.md). */
  PSP_PROVIDER: withDefault<ProviderName>(oneOf(PROVIDERS), 'pagoefectivo'),
  DLOCAL_BASE_URL: withDefault(url, 'https://sandbox.dlocal.com'),
  /** In AWS: a Secrets Manager secret holding {login, transKey, secretKey}. */
  DLOCAL_SECRET_ARN: optional(text()),
  /** Locally: the credentials themselves. */
  DLOCAL_LOGIN: optional(text()),
  DLOCAL_TRANS_KEY: optional(text()),
  DLOCAL_SECRET_KEY: optional(text()),
  /**
   * Who runs the stage's wallet option (decision 103): Culqi's QR orders (default on a PagoEfectivo
   * stage) or dLocal's Yape redirect (default on a dLocal stage).
   */
  WALLET_PROVIDER: optional<WalletProviderName>(oneOf(WALLET_PROVIDERS)),
  /** How orders may be paid when the request names no `paymentMethods` (AWS stages: cash). */
  DEFAULT_PAYMENT_METHODS: withDefault<PaymentMethod[]>(
    (raw) => raw.split(',').map((method) => oneOf(PAYMENT_METHODS)(method.trim())),
    ['cash'],
  ),
  CULQI_BASE_URL: withDefault(url, 'https://api.culqi.com'),
  /** In AWS: a Secrets Manager secret holding {secretKey, webhookUser?, webhookPassword?}. */
  CULQI_SECRET_ARN: optional(text()),
  /** Locally: Culqi's secret API key (`sk_test_…`) and the webhook's basic-auth pair. */
  CULQI_SECRET_KEY: optional(text()),
  CULQI_WEBHOOK_USER: optional(text()),
  CULQI_WEBHOOK_PASSWORD: optional(text()),
  /** Each wallet provider's fee rule, JSON by provider (model/wallet-fees.ts; decision 115). */
  WALLET_FEES: optional(text(2)),
  /** Where dLocal sends the buyer back after a Yape payment (its required `callback_url`). */
  WALLET_CALLBACK_URL: optional(url),
  /** In AWS: the secret {"key"} that seals listing cursors (platform/sealed-cursor.ts); every API function has it. */
  CURSOR_KEY_SECRET_ARN: optional(text()),
  /** Locally: the cursor key itself (a random value per local stack start). */
  CURSOR_KEY: optional(text(32)),
  /** Endpoint overrides used by the embedded local stack only. */
  DYNAMODB_ENDPOINT: optional(url),
  SQS_ENDPOINT: optional(url),
  /** Path-style S3 endpoint (tests run s3rver); in AWS the bucket's own virtual-hosted endpoint. */
  S3_ENDPOINT: optional(url),
  /** Secrets Manager endpoint (tests run a local one); in AWS the region's. */
  SECRETS_MANAGER_ENDPOINT: optional(url),
  // Lambda sets it; the local stack and scripts set it too. No fallback that could hide a mistake.
  AWS_REGION: required(text()),
  NOTIFICATION_MAX_BODY_BYTES: withDefault(whole({ min: 1 }), 64 * 1024),
  RAW_NOTIFICATION_RETENTION_DAYS: withDefault(whole({ min: 1 }), 90),
  /** An order is expired this long after its expiresAt (payments made at the deadline still land). */
  EXPIRY_GRACE_SECONDS: withDefault(whole({ min: 0 }), DEFAULT_EXPIRY_GRACE_SECONDS),
  /** Upper bound of orders one job run handles; the rest waits for the next run (continuation). */
  JOB_MAX_ORDERS: withDefault(whole({ min: 1 }), 2000),
  /**
   * Scheduled jobs take a lease item before each run (store/job-leases.ts): set where the stage
   * turns reserved concurrency off (decision 88), so runs still never overlap.
   */
  JOB_LEASE: withDefault(flag, false),
  /** Approved refunds not paid out after this many days are counted (RefundsOverdue, alarmed). */
  REFUND_OVERDUE_DAYS: withDefault(positive, 3),
  /** The stage's EventBridge bus for order events. */
  EVENT_BUS_NAME: optional(text()),
  EVENTBRIDGE_ENDPOINT: optional(url),
  WEBHOOK_DELIVERY_QUEUE_URL: optional(text()),
  /** Delay before each retry of a failed outgoing webhook, in seconds (Standard Webhooks-style schedule). */
  WEBHOOK_RETRY_SCHEDULE_SECONDS: withDefault(numberList(false), [5, 300, 1800, 7200, 18000, 36000, 36000]),
  WEBHOOK_TIMEOUT_MS: withDefault(whole({ min: 1 }), 10_000),
  /** An endpoint that has failed without a single success for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_HOURS: withDefault(positive, 5 * 24),
  /** After a secret rotation, the old secret keeps signing (next to the new one) this long. */
  WEBHOOK_SECRET_OVERLAP_HOURS: withDefault(positive, 24),
  /** Refunds at or above this (minor units) need a second API key to approve them (maker-checker). */
  REFUND_APPROVAL_THRESHOLD: withDefault(whole({ min: 0 }), 50_000),
  /** Once one key's refunds approved at once reach this in a Lima day (per currency), the rest wait for a second key. */
  REFUND_DAILY_APPROVAL_THRESHOLD: withDefault(whole({ min: 0 }), 150_000),
  /** The stage's settlement report layout and PSP contract, as JSON (functions/settlements/report-config.ts). */
  SETTLEMENT_CONFIG: optional(text(2)),
  /** Where large settlement reports are uploaded (S3, one bucket per stage); absent locally. */
  SETTLEMENT_BUCKET_NAME: optional(text()),
  /** Anti-fraud rules at order creation, as JSON (functions/risk/rules.ts); absent: the defaults. */
  RISK_RULES: optional(text(2)),
  /** Flagged orders cannot be fulfilled until reviewed (`false` turns the gate off). */
  RISK_REVIEW_REQUIRED: withDefault(flag, true),
  /** When and how sellers are paid, as JSON (functions/payouts/schedule.ts). */
  PAYOUT_SCHEDULE: optional(text(2)),
  /**
   * Where buyers reach this API (`https://…/{stage}` or a custom domain), for the voucher page
   * URLs given with every order. Only the functions that mint or announce pages have it.
   */
  PUBLIC_BASE_URL: optional((raw) => url(raw).replace(/\/+$/, '')),
  /** The voucher page's stage settings as JSON `{marketplaceName, whereToPayUrl}` (functions/voucher-page). */
  VOUCHER_PAGE: optional(text(2)),
  /** Minutes before the deadline at which `order.expiring_soon` is sent, comma-separated (empty: none). */
  REMINDER_LEAD_MINUTES: withDefault(numberList(true), [360]),
  /**
   * People's sign-in (issue 31, functions/platform/person-token.ts): the authorizer's only. With a
   * user pool id the console's tokens are Cognito's (audience = its app client); without, they come
   * from CONSOLE_ISSUER (the local issuer) for CONSOLE_AUDIENCE. Unset: no person can sign in.
   */
  CONSOLE_ISSUER: optional(url),
  CONSOLE_AUDIENCE: optional(text()),
  CONSOLE_CLIENT_ID: optional(text()),
  CONSOLE_USER_POOL_ID: optional(text()),
  /** The usage plan key people's calls are throttled under (API Gateway keys need 20+ characters). */
  CONSOLE_USAGE_KEY: optional(text(20)),
  /** CIPs per POST /v1/cips/search call. */
  PSP_SEARCH_BATCH_SIZE: withDefault(whole({ min: 1, max: 100 }), 25),
} satisfies Record<string, Variable<unknown>>;

type Name = keyof typeof VARIABLES;
/** Every variable config() parses (test/infra checks each stage setting among them reaches its functions). */
export const CONFIG_VARIABLES = Object.keys(VARIABLES) as readonly Name[];
export type Config = { readonly [K in Name]: ReturnType<(typeof VARIABLES)[K]['read']> };

/** Rules across variables, checked at init. */
function acrossVariables(env: Config): string[] {
  return env.PAGOEFECTIVO_ACCESS_KEY !== undefined &&
    env.PAGOEFECTIVO_SECRET_ARN === undefined &&
    env.PAGOEFECTIVO_SECRET_KEY === undefined
    ? ['PAGOEFECTIVO_ACCESS_KEY given without PAGOEFECTIVO_SECRET_KEY']
    : [];
}

let cached: Config | undefined;

export function config(): Config {
  if (cached === undefined) {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const name of Object.keys(VARIABLES) as Name[]) {
      try {
        values[name] = VARIABLES[name].read(process.env[name]);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        problems.push(`${name}: ${error.message}`);
      }
    }
    if (problems.length === 0) problems.push(...acrossVariables(values as Config));
    if (problems.length > 0) throw new Error(`Invalid environment: ${problems.join('\n')}`);
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

/** The stage's wallet provider: `WALLET_PROVIDER`, else the one that goes with its voucher provider. */
export function walletProviderName(): WalletProviderName {
  const env = config();
  return env.WALLET_PROVIDER ?? (env.PSP_PROVIDER === 'dlocal' ? 'dlocal' : 'culqi');
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
