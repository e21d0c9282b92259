import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageConfig {
  /** PagoEfectivo environment the stage talks to. */
  pagoEfectivoBaseUrl: string;
  logRetention: RetentionDays;
  /** Stateful resources (table, queues, secret): RETAIN outside dev. */
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /** Per API key (the usage plan every key joins): steady requests/s and burst. */
  clientThrottle: { rateLimit: number; burstLimit: number };
  /** The whole stage, all clients together (protects the table and the PSP from a stampede). */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** How long API Gateway caches an authorizer decision per key (revocation delay). */
  authorizerCacheTtl: Duration;
  /** Raw PSP notification bodies are kept this long for audit. */
  rawWebhookRetentionDays: number;
  /** Where alarm notifications go; none = alarms only in the console. */
  alarmEmail?: string;
  /** Access logs and X-Ray sampling are on in every stage; DEBUG logs only in dev. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN';
  /** How often sync-pending asks the PSP about pending orders. */
  syncPendingEvery: Duration;
  /** How often expire-orders runs. */
  expireOrdersEvery: Duration;
  /** After expiresAt, how long before an unpaid order is expired (payments at the deadline still land). */
  expiryGrace: Duration;
}

const PSP_SANDBOX = 'https://pre1a.services.pagoefectivo.pe';
const PSP_PRODUCTION = 'https://services.pagoefectivo.pe';

export const STAGE_CONFIG: Record<Stage, StageConfig> = {
  dev: {
    pagoEfectivoBaseUrl: PSP_SANDBOX,
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    clientThrottle: { rateLimit: 20, burstLimit: 40 },
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    authorizerCacheTtl: Duration.minutes(1),
    rawWebhookRetentionDays: 14,
    logLevel: 'DEBUG',
    syncPendingEvery: Duration.minutes(5),
    expireOrdersEvery: Duration.minutes(1),
    expiryGrace: Duration.minutes(1),
  },
  staging: {
    pagoEfectivoBaseUrl: PSP_SANDBOX,
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: false,
    clientThrottle: { rateLimit: 50, burstLimit: 100 },
    apiThrottle: { rateLimit: 150, burstLimit: 300 },
    authorizerCacheTtl: Duration.minutes(5),
    rawWebhookRetentionDays: 30,
    logLevel: 'INFO',
    syncPendingEvery: Duration.minutes(5),
    expireOrdersEvery: Duration.minutes(1),
    expiryGrace: Duration.minutes(2),
  },
  prod: {
    pagoEfectivoBaseUrl: PSP_PRODUCTION,
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    clientThrottle: { rateLimit: 200, burstLimit: 400 },
    apiThrottle: { rateLimit: 600, burstLimit: 1200 },
    authorizerCacheTtl: Duration.minutes(5),
    rawWebhookRetentionDays: 400,
    logLevel: 'INFO',
    syncPendingEvery: Duration.minutes(5),
    expireOrdersEvery: Duration.minutes(1),
    expiryGrace: Duration.minutes(2),
  },
};

export function parseStage(value: unknown): Stage {
  if (typeof value === 'string' && (STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new Error(`Unknown stage ${JSON.stringify(value)}; use -c stage=${STAGES.join('|')}`);
}
