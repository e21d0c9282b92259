import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  type PaymentMethod,
  type ProviderName,
  physicalName,
  SCHEDULES,
  type ScheduleSpec,
  SERVICE,
  STREAM_CONSUMERS,
  type WalletProviderName,
} from '#lib/topology';
import { resetAwsClientsForTests } from '#platform/aws';
import { advanceClock } from '#platform/clock';
import { resetConfigForTests } from '#platform/config';
import { resetPersonTokenVerifierForTests } from '#platform/person-token';
import { problem } from '#platform/problem';
import { resetCulqiForTests } from '#psp/culqi/index';
import { resetDlocalForTests } from '#psp/dlocal/index';
import { resetPspProviderForTests } from '#psp/index';
import { resetPagoEfectivoForTests } from '#psp/pagoefectivo/index';
import { storeApiKey } from '#store/api-keys';
import { VoucherPageSettingsSchema } from '#voucher-page/settings';
import { type ApiServer, type LocalRoute, startApiServer } from './api-server';
import {
  CONSOLE_AUDIENCE,
  CONSOLE_CLIENT_ID,
  type ConsoleIssuer,
  startConsoleIssuer,
} from './console-issuer/issuer';
import { DEFAULT_CONSOLE_PASSWORD } from './console-issuer/people';
import {
  ensureRawNotificationsTable,
  ensureTable,
  LOCAL_CREDENTIALS,
  type LocalDynamo,
  startDynamoDbLocal,
} from './dynamodb';
import { type LocalEventBus, startLocalEventBus } from './eventbridge';
import { invoke } from './lambda-context';
import type { DlocalSandboxOptions } from './sandbox/dlocal';
import { DEFAULT_CULQI_SANDBOX, DEFAULT_DLOCAL_SANDBOX, type Sandbox, startSandbox } from './sandbox/server';
import { type LocalSqs, startLocalSqs } from './sqs';
import { type SqsPoller, startSqsPoller } from './sqs-poller';
import { startStreamPoller } from './stream-poller';
import type { ThrottleLimits } from './throttle';

export interface LocalStackOptions {
  /** 0 picks a free port (tests). */
  port: number;
  sandboxPort: number;
  /** undefined = keep nothing across restarts. */
  dataDir?: string;
  apiKey: string;
  /** More local keys beside `apiKey` (LOCAL_API_KEYS), e.g. a second key for maker-checker. */
  extraApiKeys?: { key: string; name: string; scopes?: string[]; sellerId?: string; principal?: string }[];
  serviceId: string;
  accessKey: string;
  secretKey: string;
  /** Locally shorter than in AWS so redelivery and DLQ behaviour can be watched in seconds. */
  visibilityTimeoutSeconds: number;
  /** Who issues vouchers (default PagoEfectivo directly); the sandbox speaks both. */
  provider?: ProviderName;
  /** dLocal merchant credentials the sandbox checks (defaults: DEFAULT_DLOCAL_SANDBOX). */
  dlocal?: DlocalSandboxOptions;
  /** Who runs the wallet option (`WALLET_PROVIDER`; default culqi on PagoEfectivo, dlocal on dLocal). */
  walletProvider?: WalletProviderName;
  /** How orders are paid when a request names no `paymentMethods` (default: cash and wallet). */
  paymentMethods?: readonly PaymentMethod[];
  /** Per PSP call; tests shorten it to rehearse timeouts quickly. */
  pspTimeoutMs?: number;
  /** Run the scheduled jobs on their local cadence (tests turn it off and call /_local/jobs). */
  scheduler?: boolean;
  /** Seconds after expiresAt before an order is expired (AWS default 120). */
  expiryGraceSeconds?: number;
  /** Per API key, like the usage plan in AWS (default 100 requests/s, bursts of 200). */
  clientThrottle?: ThrottleLimits;
  /** A request whose body never arrives whole is answered 408 after this long (default 10 s). */
  requestTimeoutMs?: number;
  /** Outgoing webhook backoff (seconds per retry); tests shorten it. */
  webhookRetryScheduleSeconds?: number[];
  /** The console's OpenID Connect issuer (ISSUER_PORT; 0 picks a free port, the default). */
  issuerPort?: number;
  /** The seeded console people's password (LOCAL_CONSOLE_PASSWORD; default `local-dev-password`). */
  consolePassword?: string;
  log?: (line: string) => void;
  /** A part the stack cannot run without died on its own (e.g. DynamoDB Local's JVM was killed). */
  onFatal?: (reason: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  sandboxUrl: string;
  dynamoEndpoint: string;
  /** DynamoDB Local's JVM, for tests that freeze it (SIGSTOP) to rehearse a storage outage. */
  dynamoPid: number | undefined;
  sqsEndpoint: string;
  tableName: string;
  queueUrls: Record<string, string>;
  dlqUrls: Record<string, string>;
  /** The environment the handlers run with, for tests that call code directly. */
  env: Record<string, string>;
  sandbox: Sandbox;
  bus: LocalEventBus;
  /** The console's sign-in (local/console-issuer/): its issuer URL, and its key for tests. */
  consoleIssuer: Pick<ConsoleIssuer, 'url' | 'signingKey'>;
  stop(): Promise<void>;
}

export const LOCAL_STAGE = 'local';
/** A modest usage plan, so local clients meet 429s as they would in AWS (the bench opens it wide). */
export const LOCAL_CLIENT_THROTTLE: ThrottleLimits = { rateLimit: 100, burstLimit: 200 };

/** Runs one pass of a scheduled job with the handler EventBridge Scheduler invokes in AWS. */
async function runJob(spec: ScheduleSpec, options: Record<string, unknown> = {}): Promise<unknown> {
  return invoke(spec.function, { ...options, source: 'local-scheduler', job: spec.name });
}

/**
 * Boots the whole product on one machine with no AWS account: DynamoDB Local, fauxqs, the
 * PagoEfectivo sandbox, the API (same handlers as Lambda) and the queue poller. Resources come
 * from lib/topology.ts. One stack per process: handlers read their environment from process.env.
 */
/**
 * The key that seals listing cursors (platform/sealed-cursor.ts): kept in the data directory with
 * the data it points into, so a stored cursor (the event feed's) survives a restart; a new one
 * each start when nothing is kept on disk.
 */
function localCursorKey(dataDir: string | undefined): string {
  if (dataDir === undefined) return randomBytes(32).toString('base64url');
  const file = resolve(dataDir, 'cursor-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/**
 * The voucher page's settings (MARKETPLACE_NAME), checked before anything starts: with a value the
 * page would refuse, the stack would report healthy and answer every buyer's page 500.
 */
function localVoucherPageSettings(): { marketplaceName: string; whereToPayUrl: string } {
  const settings = {
    marketplaceName: process.env.MARKETPLACE_NAME ?? 'Mercado Local',
    whereToPayUrl: 'https://www.pagoefectivo.pe/',
  };
  const parsed = VoucherPageSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new Error(
      `MARKETPLACE_NAME is not a name the voucher page can show: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return parsed.data;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const voucherPage = localVoucherPageSettings();
  const log = options.log ?? (() => undefined);
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop().catch((error: unknown) => log(`[stack] stop error: ${String(error)}`));
    }
  };
  try {
    let ready = false;
    const dynamo: LocalDynamo = await startDynamoDbLocal({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      onUnexpectedExit: (code, signal) =>
        options.onFatal?.(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`})`),
    });
    stoppers.push(() => dynamo.stop());
    const tableName = physicalName('table', LOCAL_STAGE);
    await ensureTable(dynamo.client, tableName);
    const rawNotificationsTable = physicalName('raw-notifications', LOCAL_STAGE);
    await ensureRawNotificationsTable(dynamo.client, rawNotificationsTable);

    const sqs: LocalSqs = await startLocalSqs((base) => physicalName(base, LOCAL_STAGE));
    stoppers.push(() => sqs.stop());

    const busRef: { current?: LocalEventBus } = {};
    const localRoutes: LocalRoute = async ({ method, path, body }) => {
      if (method === 'GET' && path === '/health') {
        return ready
          ? { status: 200, body: { status: 'ok' } }
          : { status: 503, body: { status: 'starting' } };
      }
      const job = /^\/_local\/jobs\/([a-z-]+)$/.exec(path);
      if (method === 'POST' && job?.[1]) {
        const spec = SCHEDULES.find((schedule) => schedule.name === job[1]);
        if (!spec) return { status: 404, body: problem(404, 'not_found', `No job ${job[1]}.`) };
        const options = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
        return { status: 200, body: await runJob(spec, options as Record<string, unknown>) };
      }
      if (method === 'GET' && path === '/_local/bus-events') {
        return { status: 200, body: { items: busRef.current?.events ?? [] } };
      }
      if (method === 'POST' && path === '/_local/bus-faults') {
        const { failNext, after } = (body ?? {}) as { failNext?: unknown; after?: unknown };
        busRef.current?.failNext(
          typeof failNext === 'number' ? failNext : 0,
          typeof after === 'number' ? after : 0,
        );
        return { status: 200, body: { failNext, after } };
      }
      if (method === 'POST' && path === '/_local/clock') {
        const seconds = (body as { advanceSeconds?: unknown } | null)?.advanceSeconds;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
          return {
            status: 400,
            body: problem(400, 'validation_failed', 'advanceSeconds must be a number ≥ 0.', {
              errors: [{ field: 'advanceSeconds', message: 'A number ≥ 0.' }],
            }),
          };
        }
        return { status: 200, body: { now: advanceClock(seconds).toISOString() } };
      }
      return undefined;
    };
    const api: ApiServer = await startApiServer({
      port: options.port,
      localRoutes,
      clientThrottle: options.clientThrottle ?? LOCAL_CLIENT_THROTTLE,
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    stoppers.push(() => api.stop());

    const sandbox = await startSandbox({
      port: options.sandboxPort,
      serviceId: options.serviceId,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      notificationUrl: `${api.url}/webhooks/pagoefectivo`,
      culqiNotificationUrl: `${api.url}/webhooks/culqi`,
      dlocal: options.dlocal ?? DEFAULT_DLOCAL_SANDBOX,
      ...(options.dataDir ? { stateFile: resolve(options.dataDir, 'sandbox.json') } : {}),
    });
    stoppers.push(() => sandbox.stop());

    const issuer = await startConsoleIssuer({
      port: options.issuerPort ?? 0,
      apiBaseUrl: api.url,
      password: options.consolePassword ?? DEFAULT_CONSOLE_PASSWORD,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    stoppers.push(() => issuer.stop());

    const bus = await startLocalEventBus(log);
    stoppers.push(() => bus.stop());
    busRef.current = bus;

    const env: Record<string, string> = {
      STAGE: LOCAL_STAGE,
      TABLE_NAME: tableName,
      RAW_NOTIFICATION_TABLE_NAME: rawNotificationsTable,
      ...Object.fromEntries([...sqs.queues.values()].map((queue) => [queue.spec.urlEnv, queue.url])),
      EVENT_BUS_NAME: physicalName('events', LOCAL_STAGE),
      EVENTBRIDGE_ENDPOINT: bus.endpoint,
      ...(options.webhookRetryScheduleSeconds
        ? { WEBHOOK_RETRY_SCHEDULE_SECONDS: options.webhookRetryScheduleSeconds.join(',') }
        : {}),
      PAGOEFECTIVO_BASE_URL: sandbox.url,
      PSP_PROVIDER: options.provider ?? 'pagoefectivo',
      DLOCAL_BASE_URL: `${sandbox.url}/dlocal`,
      DLOCAL_LOGIN: (options.dlocal ?? DEFAULT_DLOCAL_SANDBOX).login,
      DLOCAL_TRANS_KEY: (options.dlocal ?? DEFAULT_DLOCAL_SANDBOX).transKey,
      DLOCAL_SECRET_KEY: (options.dlocal ?? DEFAULT_DLOCAL_SANDBOX).secretKey,
      ...(options.walletProvider ? { WALLET_PROVIDER: options.walletProvider } : {}),
      // Locally a newcomer sees both ways to pay; AWS stages default to cash (decision 103).
      DEFAULT_PAYMENT_METHODS: (options.paymentMethods ?? ['cash', 'wallet']).join(','),
      CULQI_BASE_URL: `${sandbox.url}/culqi`,
      CULQI_SECRET_KEY: DEFAULT_CULQI_SANDBOX.secretKey,
      CULQI_WEBHOOK_USER: DEFAULT_CULQI_SANDBOX.webhookUser,
      CULQI_WEBHOOK_PASSWORD: DEFAULT_CULQI_SANDBOX.webhookPassword,
      PAGOEFECTIVO_SERVICE_ID: options.serviceId,
      PAGOEFECTIVO_ACCESS_KEY: options.accessKey,
      PAGOEFECTIVO_SECRET_KEY: options.secretKey,
      PSP_TIMEOUT_MS: String(options.pspTimeoutMs ?? 8000),
      CURSOR_KEY: localCursorKey(options.dataDir),
      EXPIRY_GRACE_SECONDS: String(options.expiryGraceSeconds ?? 30),
      PUBLIC_BASE_URL: api.url,
      // People's sign-in (issue 31): the authorizer verifies the local issuer's tokens; the console
      // (served at /console) reads the same three values.
      CONSOLE_ISSUER: issuer.url,
      CONSOLE_CLIENT_ID,
      CONSOLE_AUDIENCE,
      CONSOLE_USAGE_KEY: 'usage_console_local_people',
      VOUCHER_PAGE: JSON.stringify(voucherPage),
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SQS_ENDPOINT: sqs.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_SERVICE_NAME: SERVICE.name,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    };
    Object.assign(process.env, env);
    resetConfigForTests();
    resetAwsClientsForTests();
    resetPagoEfectivoForTests();
    resetDlocalForTests();
    resetPspProviderForTests();
    resetPersonTokenVerifierForTests();
    resetCulqiForTests();

    await storeApiKey(options.apiKey, {
      keyId: 'local',
      name: 'local development key (LOCAL_API_KEY)',
      createdAt: new Date().toISOString(),
      usageKey: 'usage_local',
    });

    for (const [index, extra] of (options.extraApiKeys ?? []).entries()) {
      await storeApiKey(extra.key, {
        keyId: `local-${index + 1}`,
        name: extra.name,
        createdAt: new Date().toISOString(),
        usageKey: `usage_local_${index + 1}`,
        // No scopes given: admin, like LOCAL_API_KEY.
        ...(extra.scopes
          ? { scopes: extra.scopes }
          : extra.sellerId
            ? { scopes: ['orders:read', 'ledger:read'] }
            : {}),
        ...(extra.sellerId ? { sellerId: extra.sellerId } : {}),
        // Absent: the key id, a person of its own (decision 76).
        ...(extra.principal ? { principal: extra.principal } : {}),
      });
    }

    const pollers: SqsPoller[] = [...sqs.queues.values()].map((queue) =>
      startSqsPoller(sqs.client, queue, { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds, log }),
    );
    stoppers.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });

    const table = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error('DynamoDB Local created the table without a stream');
    const streams = new DynamoDBStreamsClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const streamPollers = STREAM_CONSUMERS.map((spec) =>
      startStreamPoller(streams, streamArn, spec, {
        ...(options.dataDir
          ? { checkpointFile: resolve(options.dataDir, `stream-${spec.consumer}.json`) }
          : {}),
        log,
      }),
    );
    stoppers.push(async () => {
      await Promise.all(streamPollers.map((poller) => poller.stop()));
      streams.destroy();
    });

    if (options.scheduler !== false) {
      const timers = SCHEDULES.map((spec) => {
        let running = false;
        return setInterval(() => {
          if (running) return;
          running = true;
          runJob(spec)
            .then((summary) => {
              // Quiet when there was nothing to do; a line whenever a job examined or changed something.
              const counts = summary as { examined?: number; errors?: number };
              if ((counts.examined ?? 0) > 0 || (counts.errors ?? 0) > 0) {
                log(`[scheduler] ${spec.name} ${JSON.stringify(summary)}`);
              }
            })
            .catch((error: unknown) => log(`[scheduler] ${spec.name} failed: ${String(error)}`))
            .finally(() => {
              running = false;
            });
        }, spec.localEverySeconds * 1000);
      });
      stoppers.push(async () => {
        for (const timer of timers) clearInterval(timer);
      });
    }

    ready = true;
    return {
      apiUrl: api.url,
      sandboxUrl: sandbox.url,
      dynamoEndpoint: dynamo.endpoint,
      dynamoPid: dynamo.pid,
      sqsEndpoint: sqs.endpoint,
      tableName,
      queueUrls: Object.fromEntries([...sqs.queues].map(([name, queue]) => [name, queue.url])),
      dlqUrls: Object.fromEntries([...sqs.queues].map(([name, queue]) => [name, queue.dlqUrl])),
      env,
      sandbox,
      bus,
      consoleIssuer: { url: issuer.url, signingKey: issuer.signingKey },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
