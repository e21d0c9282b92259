import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_PAYOUT_SCHEDULE,
  DEFAULT_RISK_RULES,
  DEFAULT_SETTLEMENT_CONFIG,
  type PayoutSchedule,
  type RiskRule,
  type SettlementConfig,
} from '#contract/stage-defaults';
import { DEFAULT_EXPIRY_GRACE_SECONDS, type ProviderName, type WalletProviderName } from './topology';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** A time of day in Lima (EventBridge Scheduler runs daily jobs in America/Lima, not UTC). */
export interface LimaTime {
  hour: number;
  minute: number;
}

/** The console's per-stage settings (`console`; lib/constructs/console-hosting.ts reads them). */
export interface ConsoleStageSettings {
  /** Cognito hosted sign-in at `https://<prefix>.auth.<region>.amazoncognito.com` (globally unique). */
  authDomainPrefix?: string;
  /** The console's own domain on CloudFront, with an ACM certificate in us-east-1 for it. */
  domainName?: string;
  certificateArn?: string;
}

export interface AlarmSubscription {
  protocol: 'email' | 'https';
  endpoint: string;
}

/** A group's fields may be left out, at any depth; arrays, durations and enums are replaced whole. */
export type DeepPartial<T> = T extends Duration | readonly unknown[] | string | number | boolean
  ? T
  : { [K in keyof T]?: DeepPartial<T[K]> };

/** A stage's settings, grouped by concern; a stage states only where it differs from `BASE`. */
export interface StageConfig {
  /**
   * Where the stage is deployed: pinned here, not taken from whatever the shell's AWS profile
   * says. `account` may also come from `-c account=…` (kept out of the repository if you prefer).
   */
  deployment: { region: string; account?: string };
  psp: {
    /**
     * Who issues the stage's vouchers: PagoEfectivo directly, or PagoEfectivo through dLocal
     * (docs/providers.md). Nothing changes for the marketplace calling the API.
     */
    provider: ProviderName;
    /** PagoEfectivo environment the stage talks to. */
    pagoEfectivoBaseUrl: string;
    /** dLocal's API for the stage (sandbox or production), used when `provider` is dlocal. */
    dlocalBaseUrl: string;
  };
  /** The stage's wallet option (decisions 103, 115). */
  wallets: {
    /** Who runs it; absent: Culqi beside PagoEfectivo, dLocal's Yape beside dLocal. */
    provider?: WalletProviderName;
    /**
     * Each wallet provider's fee (decision 115): `{culqi?|dlocal?: {ratePercent, fixedMinor: {PEN}, taxPercent}}`;
     * absent: model/wallet-fees.ts's placeholders (neither provider publishes its wallet fee).
     */
    fees?: Partial<
      Record<
        WalletProviderName,
        { ratePercent: number; fixedMinor: Record<string, number>; taxPercent: number }
      >
    >;
  };
  /** What is kept, and for how long. */
  data: {
    logRetention: RetentionDays;
    /** Stateful resources (table, queues, secret): RETAIN outside dev. */
    removalPolicy: RemovalPolicy;
    deletionProtection: boolean;
    /** Events on the bus are archived (replayable) this long. */
    eventArchiveDays: number;
    /** Raw PSP notification bodies are kept this long for audit. */
    rawNotificationRetentionDays: number;
  };
  api: {
    /** Per API key (the usage plan every key joins): steady requests/s and burst. */
    clientThrottle: { rateLimit: number; burstLimit: number };
    /**
     * Each method's limit, all clients together (API Gateway's stage `MethodSettings` for `/*`: a
     * default every method gets, not one ceiling for the whole stage), so no one operation's
     * stampede reaches the table or the PSP unchecked.
     */
    apiThrottle: { rateLimit: number; burstLimit: number };
    /** How long API Gateway caches an authorizer decision per key (revocation delay). */
    authorizerCacheTtl: Duration;
    /**
     * API Gateway's per-method CloudWatch metrics (paid custom metrics; no alarm reads them): off
     * unless a stage asks. The API's own Count/4XX/5XX/Latency metrics are there either way.
     */
    detailedApiMetrics?: boolean;
    /**
     * AWS WAF on the API stage (lib/constructs/edge-protection.ts): requests per IP per 5 minutes
     * on the buyer's public routes (`/v/`, `/sdk/`: sized for 200 buyers behind one carrier NAT or
     * office address, each polling ≤ 3 times a visible minute plus the page and script), on the rest
     * of the API, and on the PSP notification routes (a flood guard only, far above any PSP's peak);
     * optionally the only CIDRs allowed to post PSP notifications (the PSPs' egress addresses: ask
     * them; off by default, as they are not published and a wrong list would refuse real payments —
     * sync-pending would still recover them).
     */
    edge: {
      publicRoutesPerIpPer5Min: number;
      apiPerIpPer5Min: number;
      pspRoutesPerIpPer5Min: number;
      pspSourceCidrs?: string[];
    };
  };
  observability: {
    /** Access logs and X-Ray sampling are on in every stage; DEBUG logs only in dev. */
    logLevel: 'DEBUG' | 'INFO' | 'WARN';
    /**
     * X-Ray subsegments for every AWS SDK call, on top of Lambda's active tracing of each
     * invocation: ~12 ms more per cold start (the X-Ray SDK), so off unless a stage needs the
     * per-call breakdown (decision 55). `cdk deploy -c traceAwsSdkCalls=true` turns it on.
     */
    traceAwsSdkCalls: boolean;
  };
  alarms: {
    /**
     * Who gets paged. Prod must name at least one (synthesis fails otherwise); more can be added at
     * synthesis with `-c alarmEmails=a@x.pe,b@x.pe` and `-c alarmHttpsUrls=https://…` (e.g. a chat
     * or incident tool's SNS webhook), so addresses need not live in the repository.
     */
    subscriptions: AlarmSubscription[];
    /**
     * Page when a due order has waited this long for its final check at the PSP (the PSP down or
     * refusing): the expirer never expires without it (decision 78), so unpaid orders stay pending.
     */
    finalCheckAfter: Duration;
    /**
     * Page when no PagoEfectivo notification has been accepted for this many hours (a silent PSP,
     * a wrong notification URL, a rotated secret). Off where no real payments arrive.
     */
    notificationHeartbeatHours?: number;
    /**
     * `false` until the stage's PSP sends notifications (decision 83): no heartbeat alarm then, as
     * the silence before go-live is no incident. Given at deploy time, `-c notificationHeartbeatArmed=false`
     * for the deploys before go-live; any deploy without it arms the alarm again.
     */
    notificationHeartbeatArmed?: boolean;
  };
  /** Scheduled jobs: how often, or when (Lima wall-clock time: EventBridge Scheduler runs them there). */
  jobs: {
    /**
     * Reserved concurrency for the functions topology caps (`reservedConcurrency`: the scheduled
     * jobs, the report reconciler). It needs an account concurrency quota of at least 100 plus the
     * units reserved (Lambda keeps 100 unreserved; new accounts often have 10–50, and the service
     * stack's deploy rolls back). Off: no reservation, and each job run takes a lease item instead
     * so runs still never overlap (decision 88). Off in dev; `-c reservedConcurrency=false` turns it
     * off for one deployment of any stage until the quota is raised.
     */
    reservedConcurrency: boolean;
    /** How often sync-pending asks the PSP about pending orders. */
    syncPendingEvery: Duration;
    /** How often expire-orders runs. */
    expireOrdersEvery: Duration;
    /** How often the reminder job looks for vouchers entering their lead time. */
    remindExpiringEvery: Duration;
    /**
     * How often the ledger integrity job runs: it starts one pass a day (the first run of a Lima
     * day) and each run resumes an unfinished pass where the previous one stopped.
     */
    ledgerIntegrityEvery: Duration;
    /** When the daily unsettled-payments check runs. */
    checkUnsettledAt: LimaTime;
    /**
     * When the payout job first runs each day; it runs again every hour until 23:xx, so a payout
     * day's run cut short continues within the hour (it proposes only on payout days, and finishes
     * an earlier payout day's run left incomplete).
     */
    createPayoutsAt: LimaTime;
  };
  expiry: {
    /** After expiresAt, how long before an unpaid order is expired (payments at the deadline still land). */
    grace: Duration;
    /** `order.expiring_soon` this many minutes before a voucher's deadline (one event per lead). */
    reminderLeadMinutes: number[];
  };
  /** Money rules: maker-checker, risk, settlement, payouts. */
  money: {
    /**
     * Maker-checker (decision 75): a refund waits for a second API key's approval once the order's
     * refunds, it included, reach `refundApprovalThreshold` (minor units), or once the requesting
     * key's refunds approved at once that Lima day, it included, reach `refundDailyApprovalThreshold`.
     */
    refundApprovalThreshold: number;
    refundDailyApprovalThreshold: number;
    /** Anti-fraud rules at order creation (docs/risk.md) and whether flagged orders wait for review. */
    riskRules: RiskRule[];
    riskReviewRequired: boolean;
    /**
     * PagoEfectivo's settlement report layout (column header texts), the contracted commission and
     * IGV, and after how many days an unsettled payment is flagged (docs/reconciliation.md).
     */
    settlement: SettlementConfig;
    /**
     * When sellers are paid (weekday or month day, Lima), the minimum payout, how long money waits
     * once available, and the cooling-off after a bank account change (docs/ledger.md, Payouts).
     */
    payoutSchedule: PayoutSchedule;
  };
  /**
   * The buyer's voucher page (`GET /v/{token}`, docs/voucher-page.md): the marketplace's name as
   * buyers know it, PagoEfectivo's "where to pay" finder, and — with a custom domain in front of
   * the API — the public base URL page links use (otherwise the stage's execute-api URL).
   */
  voucherPage: { marketplaceName: string; whereToPayUrl: string; publicBaseUrl?: string };
  /**
   * The console (issue 31): Cognito's hosted sign-in prefix (default
   * `<service>-console-<stage>-<account>`), and optionally its own domain on CloudFront with an ACM
   * certificate (us-east-1) — otherwise the distribution's `*.cloudfront.net` name.
   */
  console?: ConsoleStageSettings;
}

const PSP_SANDBOX = 'https://pre1a.services.pagoefectivo.pe';
const PSP_PRODUCTION = 'https://services.pagoefectivo.pe';
/**
 * Per IP per 5 minutes. Buyers: 200 behind one address × (20 status polls in a page's first 5
 * visible minutes + page + script) ≈ 4,600, with room to spare. PSPs: 20× a notification burst of 5,000 from one address (a flood guard only).
 */
const EDGE_LIMITS = {
  publicRoutesPerIpPer5Min: 6_000,
  apiPerIpPer5Min: 20_000,
  pspRoutesPerIpPer5Min: 100_000,
};
/** Set it to the marketplace's own name and the finder URL PagoEfectivo gives you. */
const VOUCHER_PAGE = { marketplaceName: 'Marketplace', whereToPayUrl: 'https://www.pagoefectivo.pe/' };

/** What no stage shares: data kept, and the API's limits. */
type PerStage = { data: StageConfig['data']; api: Pick<StageConfig['api'], PerStageApi> };
type PerStageApi = 'clientThrottle' | 'apiThrottle' | 'authorizerCacheTtl';

/**
 * What every stage shares, grouped by concern; a stage states only where it differs
 * (`STAGE_DIFFERENCES`). A new setting gets its default here, once.
 */
const BASE: Omit<StageConfig, 'data' | 'api'> & { api: Omit<StageConfig['api'], PerStageApi> } = {
  deployment: { region: 'us-east-1' },
  psp: {
    provider: 'pagoefectivo',
    pagoEfectivoBaseUrl: PSP_SANDBOX,
    dlocalBaseUrl: 'https://sandbox.dlocal.com',
  },
  wallets: {},
  api: { edge: EDGE_LIMITS },
  observability: { logLevel: 'INFO', traceAwsSdkCalls: false },
  alarms: { subscriptions: [], finalCheckAfter: Duration.minutes(30) },
  jobs: {
    reservedConcurrency: true,
    syncPendingEvery: Duration.minutes(5),
    expireOrdersEvery: Duration.minutes(1),
    remindExpiringEvery: Duration.minutes(15),
    ledgerIntegrityEvery: Duration.hours(1),
    checkUnsettledAt: { hour: 6, minute: 0 },
    createPayoutsAt: { hour: 7, minute: 0 },
  },
  expiry: { grace: Duration.seconds(DEFAULT_EXPIRY_GRACE_SECONDS), reminderLeadMinutes: [360] },
  money: {
    refundApprovalThreshold: 50_000,
    refundDailyApprovalThreshold: 150_000,
    riskRules: DEFAULT_RISK_RULES,
    riskReviewRequired: true,
    settlement: DEFAULT_SETTLEMENT_CONFIG,
    payoutSchedule: DEFAULT_PAYOUT_SCHEDULE,
  },
  voucherPage: VOUCHER_PAGE,
};

/** Where each stage differs from `BASE`: data kept, API limits, and dev's quick, verbose loop. */
const STAGE_DIFFERENCES: Record<Stage, DeepPartial<StageConfig> & PerStage> = {
  dev: {
    // Data: thrown away with the stack.
    data: {
      logRetention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
      rawNotificationRetentionDays: 14,
      eventArchiveDays: 7,
    },
    api: {
      clientThrottle: { rateLimit: 20, burstLimit: 40 },
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      authorizerCacheTtl: Duration.minutes(1),
    },
    // A quick, verbose loop on an account whose concurrency quota is often low.
    observability: { logLevel: 'DEBUG' },
    jobs: { reservedConcurrency: false },
    expiry: { grace: Duration.minutes(1) },
  },
  staging: {
    data: {
      logRetention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: false,
      rawNotificationRetentionDays: 30,
      eventArchiveDays: 30,
    },
    api: {
      clientThrottle: { rateLimit: 50, burstLimit: 100 },
      apiThrottle: { rateLimit: 150, burstLimit: 300 },
      authorizerCacheTtl: Duration.minutes(5),
    },
  },
  prod: {
    psp: { pagoEfectivoBaseUrl: PSP_PRODUCTION, dlocalBaseUrl: 'https://api.dlocal.com' },
    data: {
      logRetention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      rawNotificationRetentionDays: 400,
      eventArchiveDays: 400,
    },
    api: {
      clientThrottle: { rateLimit: 200, burstLimit: 400 },
      apiThrottle: { rateLimit: 600, burstLimit: 1200 },
      authorizerCacheTtl: Duration.minutes(5),
    },
    // Fill in your on-call address here (alarms.subscriptions), or pass -c alarmEmails=… at
    // synthesis: prod refuses none.
    // Cash is paid from early morning to late evening in Peru: 6 quiet hours is unusual at any time.
    alarms: { finalCheckAfter: Duration.minutes(15), notificationHeartbeatHours: 6 },
  },
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** `base` with `changes` laid over it, group by group; arrays, durations and enums are replaced whole. */
export function withChanges<T>(base: T, changes: NoInfer<DeepPartial<T>>): T {
  return merge(base as Record<string, unknown>, changes as Record<string, unknown>) as T;
}

function merge(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const under = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(under) ? merge(under, value) : value;
  }
  return merged;
}

export const STAGE_CONFIG: Record<Stage, StageConfig> = {
  dev: withChanges(BASE as StageConfig, STAGE_DIFFERENCES.dev),
  staging: withChanges(BASE as StageConfig, STAGE_DIFFERENCES.staging),
  prod: withChanges(BASE as StageConfig, STAGE_DIFFERENCES.prod),
};

/** The stage's subscribers plus those given at synthesis (`-c alarmEmails=…`, `-c alarmHttpsUrls=…`). */
export function alarmSubscriptionsFor(
  config: StageConfig,
  context: { alarmEmails?: unknown; alarmHttpsUrls?: unknown },
): AlarmSubscription[] {
  const list = (value: unknown) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [];
  return [
    ...config.alarms.subscriptions,
    ...list(context.alarmEmails).map((endpoint) => ({ protocol: 'email' as const, endpoint })),
    ...list(context.alarmHttpsUrls).map((endpoint) => ({ protocol: 'https' as const, endpoint })),
  ];
}

export function parseStage(value: unknown): Stage {
  if (typeof value === 'string' && (STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new Error(`Unknown stage ${JSON.stringify(value)}; use -c stage=${STAGES.join('|')}`);
}

/** The stage's wallet provider: its setting, else the one that goes with its voucher provider (as config.ts reads it). */
export function walletProviderOf(config: Pick<StageConfig, 'psp' | 'wallets'>): WalletProviderName {
  return config.wallets.provider ?? (config.psp.provider === 'dlocal' ? 'dlocal' : 'culqi');
}
