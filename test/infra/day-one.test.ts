import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { problem } from '#contract/problem-document';
import { EdgeProtection } from '#lib/constructs/edge-protection';
import { createProductApp } from '#lib/product-app';
import { STAGE_CONFIG, STAGES, type StageConfig } from '#lib/stage-config';
import {
  FUNCTIONS,
  type FunctionName,
  GATEWAY_PROBLEMS,
  isBuyerRoute,
  PSP_NOTIFICATION_PATHS,
  ROUTES,
  SCHEDULES,
} from '#lib/topology';
import { settlementConfigSchema } from '#model/settlement-config';
import { parseWalletFees } from '#model/wallet-fees';
import { CONFIG_VARIABLES, config, resetConfigForTests } from '#platform/config';
import { VoucherPageSettingsSchema } from '#voucher-page/settings';
import { BUILD_DIR } from '../../scripts/build-functions';
import { lambdaEnvironments } from '../../scripts/lambda-environments';
import { evaluateBurst } from '../support/waf-evaluator';

/**
 * Day one in AWS (issue 28): what the synthesized prod does at a real marketplace's volume — the
 * WAF never blocks a PSP, every incident pages, every stage setting reaches its functions.
 */

type Resource = { Type: string; Properties: Record<string, unknown> };

const synthRoot = mkdtempSync(join(tmpdir(), 'cdk-day-one-'));
afterAll(() => rmSync(synthRoot, { recursive: true, force: true }));
const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<
  string,
  unknown
>;

function synthProd(context: Record<string, string> = {}) {
  const product = createProductApp(
    'prod',
    BUILD_DIR,
    new App({
      outdir: mkdtempSync(join(synthRoot, 'prod-')),
      context: { ...featureFlags, alarmEmails: 'oncall@example.pe', ...context },
    }),
  );
  // cdk-nag runs here: an unacknowledged finding throws.
  product.app.synth();
  const service = Template.fromStack(product.service);
  statefulOf.set(service, Template.fromStack(product.stateful));
  return service;
}
/** Each synthesized service template's stateful sibling. */
const statefulOf = new Map<Template, Template>();

const prod = synthProd();
const prodJson = prod.toJSON() as { Resources: Record<string, Resource> };

describe('the WAF and the PSPs', () => {
  const burst = (path: string, countIn5Min: number, headers: Record<string, string> = {}) =>
    evaluateBurst(prodJson, { path, ip: '198.51.100.7', headers, countIn5Min });

  it('lets a burst of 5,000 notifications in 5 min from one address, without a User-Agent, through every rule', () => {
    expect(PSP_NOTIFICATION_PATHS).toEqual(['/webhooks/pagoefectivo', '/webhooks/dlocal', '/webhooks/culqi']);
    for (const route of PSP_NOTIFICATION_PATHS) {
      // With the stage in front (execute-api URL) and without it (a custom domain).
      for (const path of [`/prod${route}`, route]) {
        expect(burst(path, 5_000), path).toEqual({});
        expect(burst(path, 5_000, { 'User-Agent': 'PagoEfectivo' }), path).toEqual({});
      }
    }
  });

  it('still limits people: the buyer routes per address, a request without User-Agent elsewhere', () => {
    // 200 buyers behind one carrier address opening their pages at once: 20 status polls in the
    // first 5 visible minutes (test/e2e/serial/voucher-polling.test.ts), the page and the script.
    expect(burst('/prod/v/tok_abc/status', 200 * 23, { 'User-Agent': 'Mozilla/5.0' })).toEqual({});
    const flood = burst('/prod/v/tok_abc/status', 20_000, { 'User-Agent': 'x' });
    expect(flood.blockedBy).toBe('public-routes-rate-per-ip');
    expect(burst('/prod/v1/orders', 1)).toMatchObject({ blockedBy: 'no-user-agent-outside-psp-routes' });
    // A path that only mentions a PSP route is not one.
    expect(burst('/prod/v1/webhooks/pagoefectivo/x', 1)).toMatchObject({
      blockedBy: 'no-user-agent-outside-psp-routes',
    });
    expect(burst('/prod/webhooks/pagoefectivo', 200_000).blockedBy).toBe('psp-routes-rate-per-ip');
  });

  it('limits every buyer route of the route contract per address, and no other route with that rule', () => {
    // The rule's path set comes from the contract (isBuyerRoute): a buyer route added there is covered.
    const concrete = (path: string) => path.replace(/\{\w+\}/g, 'tok_abc');
    for (const route of ROUTES) {
      const path = `/prod${concrete(route.path)}`;
      const flood = burst(path, 20_000, { 'User-Agent': 'x' });
      if (isBuyerRoute(route)) expect(flood.blockedBy, path).toBe('public-routes-rate-per-ip');
      else expect(flood.blockedBy, path).not.toBe('public-routes-rate-per-ip');
    }
  });

  it('answers a rate-limit block 429 problem+json with Retry-After, readable cross-origin', () => {
    const { response } = burst('/prod/sdk/voucher.js', 20_000, { 'User-Agent': 'x' });
    expect(response?.ResponseCode).toBe(429);
    expect(response?.ResponseHeaders).toEqual(
      expect.arrayContaining([
        { Name: 'Retry-After', Value: '60' },
        { Name: 'Access-Control-Allow-Origin', Value: '*' },
      ]),
    );
    const [acl] = Object.values(prodJson.Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    const bodies = acl?.Properties.CustomResponseBodies as Record<string, { Content: string }>;
    const body = bodies[String(response?.CustomResponseBodyKey)];
    expect(JSON.parse(String(body?.Content))).toEqual(
      problem(429, GATEWAY_PROBLEMS.rateLimited.code, GATEWAY_PROBLEMS.rateLimited.detail),
    );
    // Per-method metrics (paid custom metrics no alarm reads) are off unless a stage asks.
    prod.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ MetricsEnabled: false })]),
    });
    // Blocks without a custom response of their own (managed rules) are problem+json too.
    prod.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'WAF_FILTERED',
      StatusCode: '403',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
  });

  it("lets AWS's managed rule groups inspect everything but the PSP routes, whose signature is their gate", () => {
    const [acl] = Object.values(prodJson.Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    const managed = (
      (acl?.Properties.Rules ?? []) as { Name: string; Statement: Record<string, Record<string, unknown>> }[]
    )
      .filter((rule) => 'ManagedRuleGroupStatement' in rule.Statement)
      .map((rule) => rule.Statement.ManagedRuleGroupStatement);
    expect(managed).toHaveLength(2);
    for (const group of managed) {
      const scope = JSON.stringify(group?.ScopeDownStatement);
      expect(scope, String(group?.Name)).toMatch(/^\{"NotStatement"/);
      for (const route of PSP_NOTIFICATION_PATHS) expect(scope).toContain(route);
    }
  });

  it("logs what WAF blocks, and only that, without the caller's key, for the stage's log retention", () => {
    prod.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
      LoggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
          },
        ],
      },
    });
    prod.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-pagoefectivo-prod-api',
      RetentionInDays: 365,
    });
  });

  it("never refuses a client's own backend at the WAF below what its key's usage plan allows", () => {
    for (const stage of STAGES) {
      const template = stage === 'prod' ? prod : synthStage(stage);
      const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>);
      const apiRule = (
        (acl?.Properties.Rules ?? []) as {
          Name: string;
          Statement: { RateBasedStatement?: { Limit: number } };
        }[]
      ).find((rule) => rule.Name === 'api-rate-per-ip');
      expect(apiRule?.Statement.RateBasedStatement?.Limit, stage).toBeGreaterThanOrEqual(
        STAGE_CONFIG[stage].api.clientThrottle.rateLimit * 300,
      );
    }
  });

  it('with an allowlist, lets the PSPs through first and refuses any other address on both routes, however spelled', () => {
    const stack = new Stack(new App({ outdir: mkdtempSync(join(synthRoot, 'edge-')) }), 'Edge');
    new EdgeProtection(stack, 'Edge', {
      stage: 'prod',
      stageArn: 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod',
      ...STAGE_CONFIG.prod.api.edge,
      pspSourceCidrs: ['203.0.113.0/24'],
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
    const from = (ip: string, path: string) =>
      evaluateBurst(template, { path, ip, headers: {}, countIn5Min: 5_000 });
    for (const route of PSP_NOTIFICATION_PATHS) {
      expect(from('203.0.113.9', `/prod${route}`)).toEqual({});
      expect(from('198.51.100.7', `/prod${route}`).blockedBy).toBe('psp-notifications-from-psp-only');
    }
    // URL-encoded and un-normalised spellings of the route are matched as the route.
    for (const path of ['/prod/webhooks%2Fdlocal', '/prod//webhooks/./pagoefectivo'])
      expect(from('198.51.100.7', path).blockedBy, path).toBe('psp-notifications-from-psp-only');
  });
});

describe('every incident pages', () => {
  const alarms = Object.entries(prod.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
  const [composite] = Object.values(
    prod.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>,
  );
  const members = alarms.filter(([id]) => JSON.stringify(composite?.Properties.AlarmRule).includes(id));

  /** What makes each alarm fire, as the template says it: metric (or expression), comparison, threshold. */
  function firesWhen(properties: Record<string, unknown>): string {
    const comparison = {
      GreaterThanThreshold: '>',
      GreaterThanOrEqualToThreshold: '≥',
      LessThanThreshold: '<',
    }[String(properties.ComparisonOperator)];
    const metrics = properties.Metrics as
      | { Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { MetricName: string } } }[]
      | undefined;
    const what = metrics
      ? `${metrics.find((metric) => metric.Expression)?.Expression} of ${metrics.find((metric) => metric.MetricStat)?.MetricStat?.Metric.MetricName}`
      : `${properties.Statistic ?? properties.ExtendedStatistic} ${properties.MetricName}`;
    return `${what} ${comparison} ${properties.Threshold}`;
  }

  it('states for each alarm what makes it fire: new occurrences, not a state that lasts for days', () => {
    const stated: [RegExp, string][] = [
      // A rise of the DLQ's visible count: a message arrived (SQS's redrive is not in NumberOfMessagesSent).
      // A queue asleep after 6 idle hours publishes nothing: the gap is 0, so its first message rises.
      [
        /^paymentnotificationsdlqnotempty/,
        'IF(DIFF(FILL(visible, 0)) > 0, 1, 0) of ApproximateNumberOfMessagesVisible > 0',
      ],
      [
        /^webhookdeliveriesdlqnotempty/,
        'IF(DIFF(FILL(visible, 0)) > 0, 1, 0) of ApproximateNumberOfMessagesVisible > 0',
      ],
      // Failure destinations send: each failed job run, each abandoned stream batch.
      [/^jobsdlqnotempty/, 'Sum NumberOfMessagesSent > 0'],
      [/^streamdispatchfailures/, 'Sum NumberOfMessagesSent > 0'],
      [/^paymentnotificationsbacklogold/, 'Maximum ApproximateAgeOfOldestMessage > 300'],
      [/^dispatcherlagging/, 'Maximum IteratorAge > 300000'],
      [/^overduependingbacklog/, 'Minimum DueOrdersLeft ≥ 1'],
      [
        /^finalcheckfailing/,
        `Maximum FinalCheckFailingSeconds ≥ ${STAGE_CONFIG.prod.alarms.finalCheckAfter.toSeconds()}`,
      ],
      [/^notificationsignaturefailures/, 'Sum NotificationSignatureRejected ≥ 5'],
      // A wrong secret at any volume: an hour of rejections, none accepted.
      [
        /^notificationsallrejected/,
        'IF(FILL(rejected, 0) >= 1 AND FILL(accepted, 0) == 0, 1, 0) of NotificationSignatureRejected ≥ 1',
      ],
      // A job around the clock that stopped being invoked (missing data breaches).
      [/^[a-z]+notrunning[0-9A-F]{8}$/, 'Sum Invocations < 1'],
      [/^settlementuploadundelivered/, 'Sum FailedInvocations ≥ 1'],
      [/^[a-z]+throttled[0-9A-F]{8}$/, 'Sum Throttles ≥ 1'],
      [/^pspnotificationsblockedatedge/, 'FILL(m0, 0) + FILL(m1, 0) of BlockedRequests ≥ 1'],
      [/^paymentanomalies/, 'Sum PaymentAnomaly ≥ 1'],
      [/^ledgerintegritydifferences/, 'Maximum LedgerIntegrityDifferences ≥ 1'],
      [/^refundsoverdue/, 'Maximum RefundsOverdue ≥ 1'],
      [/^riskflags/, 'Sum RiskFlagged ≥ 1'],
      [/^webhookdeliverycrashes/, 'Sum WebhookDeliveryCrashed ≥ 1'],
      [/^payoutdayincomplete/, 'Sum PayoutDayIncomplete ≥ 1'],
      // Each sync-pending run whose closure retry fails again counts once (decision 99).
      [/^paymentoptionnotclosed/, 'Sum PaymentOptionNotClosed ≥ 1'],
      [/^notificationssilent/, 'Sum NotificationAccepted < 1'],
      [/^api5xx/, 'Sum 5XXError ≥ 5'],
      [/^[a-z]+errors[0-9A-F]{8}$/, 'Sum Errors ≥ 1'],
    ];
    const unstated = alarms.flatMap(([id, alarm]) => {
      const entry = stated.find(([pattern]) => pattern.test(id));
      if (!entry) return [`${id}: ${firesWhen(alarm.Properties)} (not stated here)`];
      return firesWhen(alarm.Properties) === entry[1] ? [] : [`${id}: ${firesWhen(alarm.Properties)}`];
    });
    expect(unstated).toEqual([]);
    expect(alarms.filter(([id]) => /^[a-z]+errors[0-9A-F]{8}$/.test(id))).toHaveLength(
      Object.keys(FUNCTIONS).length,
    );
  });

  it('notifies a second, different incident while another member is still in ALARM', () => {
    // CloudWatch runs an alarm's actions when that alarm changes state, nothing else: replay it.
    const topic = Object.keys(prod.findResources('AWS::SNS::Topic'))[0];
    const state = new Map<string, 'OK' | 'ALARM'>(alarms.map(([id]) => [id, 'OK']));
    const compositeInAlarm = () => members.some(([id]) => state.get(id) === 'ALARM');
    const raise = (id: string) => {
      const compositeBefore = compositeInAlarm();
      state.set(id, 'ALARM');
      const alarm = alarms.find(([candidate]) => candidate === id)?.[1];
      const pages = [...((alarm?.Properties.AlarmActions as unknown[]) ?? [])];
      if (!compositeBefore && compositeInAlarm())
        pages.push(...((composite?.Properties.AlarmActions as unknown[]) ?? []));
      return pages.filter((action) => JSON.stringify(action) === JSON.stringify({ Ref: topic }));
    };
    expect(members.length).toBeGreaterThanOrEqual(5);
    for (const [first] of members) {
      for (const [second] of members) {
        if (second === first) continue;
        for (const [id] of alarms) state.set(id, 'OK');
        expect(raise(first), first).toHaveLength(1);
        // The first is still open (a payment anomaly, a notification silence…): the next one pages anyway.
        expect(raise(second), `${second} while ${first} is in ALARM`).toHaveLength(1);
      }
    }
    // Every other alarm pages on its own too; the composite is the dashboard's summary.
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
    expect(composite?.Properties.AlarmActions).toBeUndefined();
  });

  it("sees the first dead letter after a quiet spell: a sleeping queue's gap is 0, and a point up to 15 min late still lands in the window", () => {
    const dlqAlarms = alarms.filter(([id]) =>
      /^(paymentnotificationsdlqnotempty|webhookdeliveriesdlqnotempty|jobsdlqnotempty|streamdispatchfailures)/.test(
        id,
      ),
    );
    expect(dlqAlarms).toHaveLength(4);
    for (const [id, alarm] of dlqAlarms) {
      expect(alarm.Properties, id).toMatchObject({ EvaluationPeriods: 15, DatapointsToAlarm: 1 });
    }
  });

  it('pages when a job run around the clock stops being invoked, and when a report upload is never delivered', () => {
    const steady = ['sync-pending', 'expire-orders', 'remind-expiring', 'ledger-integrity'];
    const heartbeats = alarms.filter(([id]) => /notrunning[0-9A-F]{8}$/.test(id));
    expect(heartbeats.map(([, alarm]) => alarm.Properties.AlarmName).sort()).toEqual(
      steady.map((job) => `pagoefectivo-prod-${job}-not-running`).sort(),
    );
    for (const [id, alarm] of heartbeats) {
      // No data at all is the silence: missing points breach.
      expect(alarm.Properties, id).toMatchObject({ TreatMissingData: 'breaching', EvaluationPeriods: 3 });
      // CloudWatch evaluates at most a day: every window fits.
      expect(Number(alarm.Properties.Period) * 3, id).toBeLessThanOrEqual(86_400);
    }
    const [upload] = alarms.filter(([id]) => id.startsWith('settlementuploadundelivered'));
    expect(JSON.stringify(upload?.[1].Properties.Dimensions)).toContain('settlementreportuploaded');
  });

  it('names every alarm as docs/runbook.md does, and the runbook has a row for each', () => {
    const runbook = readFileSync(join(__dirname, '../../docs/runbook.md'), 'utf8');
    const rows = new Set([...runbook.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]));
    const families = [/-errors$/, /-throttled$/, /-not-running$/];
    const missing = [...alarms, ['composite', composite] as const].flatMap(([id, alarm]) => {
      const name = String(alarm?.Properties.AlarmName ?? '').replace(/^pagoefectivo-prod-/, '');
      if (name === '') return [`${id}: no AlarmName`];
      const family = families.find((pattern) => pattern.test(name));
      const row = family ? `<function>${name.match(family)?.[0]}` : name;
      return rows.has(row) ? [] : [`${name} (row \`${row}\`)`];
    });
    expect(missing).toEqual([]);
  });

  it('arms notifications-silent only when the stage is live (decision 83)', () => {
    const silent = (template: Template) =>
      Object.keys(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { MetricName: 'NotificationAccepted' },
        }),
      );
    expect(silent(prod)).toHaveLength(1);
    const beforeGoLive = synthProd({ notificationHeartbeatArmed: 'false' });
    expect(silent(beforeGoLive)).toEqual([]);
    const [before] = Object.values(
      beforeGoLive.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>,
    );
    expect(JSON.stringify(before?.Properties.AlarmRule)).not.toContain('notificationssilent');
  });
});

describe('every stage setting reaches its functions', () => {
  /** The variable a stage setting is delivered as, where it is not the setting's own name in SCREAMING_SNAKE. */
  const DELIVERED_AS: Record<string, string> = {
    'psp.provider': 'PSP_PROVIDER',
    'money.settlement': 'SETTLEMENT_CONFIG',
    'expiry.grace': 'EXPIRY_GRACE_SECONDS',
    'observability.logLevel': 'POWERTOOLS_LOG_LEVEL',
    'wallets.provider': 'WALLET_PROVIDER',
    'wallets.fees': 'WALLET_FEES',
  };
  const screaming = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  /** A setting's value at its path (`group.field`, or a top-level field such as `voucherPage`). */
  const valueAt = (config: StageConfig, path: string): unknown =>
    path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], config);
  // Every setting, by its path: the concern groups' fields, and the settings that are objects of
  // their own at the top (`voucherPage`, `console`).
  const GROUPS = [
    'deployment',
    'psp',
    'wallets',
    'data',
    'api',
    'observability',
    'alarms',
    'jobs',
    'expiry',
    'money',
  ];
  const settings = [
    ...new Set(
      STAGES.flatMap((stage) =>
        Object.entries(STAGE_CONFIG[stage]).flatMap(([key, value]) =>
          GROUPS.includes(key) ? Object.keys(value as object).map((field) => `${key}.${field}`) : [key],
        ),
      ),
    ),
  ];
  /** Stage settings that are function variables: config() parses a variable of their name. */
  const delivered = settings.flatMap((setting) => {
    const variable = DELIVERED_AS[setting] ?? screaming(setting.split('.').at(-1) ?? setting);
    return (CONFIG_VARIABLES as readonly string[]).includes(variable) ? [{ setting, variable }] : [];
  });

  /** The config variables a function's bundle reads: `config().NAME`, `env.NAME`, `{ NAME } = config()`. */
  function variablesRead(name: FunctionName): Set<string> {
    const directory = join(BUILD_DIR, name);
    const code = readdirSync(directory)
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => readFileSync(join(directory, file), 'utf8'))
      .join('\n');
    return new Set(
      CONFIG_VARIABLES.filter((variable) =>
        // Not the declaration in config.ts's table (`NAME: parser(…)`), every other use.
        new RegExp(`(?:\\.|[{,]\\s*)${variable}\\b(?!\\s*:\\s*[\\w$]+\\()`).test(code),
      ),
    );
  }

  it('finds the settings among what config() parses (the scan is live)', () => {
    expect(delivered.map(({ variable }) => variable)).toEqual(
      expect.arrayContaining(['RISK_RULES', 'RISK_REVIEW_REQUIRED', 'PAYOUT_SCHEDULE', 'SETTLEMENT_CONFIG']),
    );
    expect(variablesRead('create-order').has('RISK_RULES')).toBe(true);
    expect(variablesRead('get-order').has('RISK_RULES')).toBe(false);
  });

  it('writes money settings the functions read at first use that their own schemas accept, in every stage', () => {
    // WALLET_FEES and SETTLEMENT_CONFIG are parsed with the first wallet payment or report, not at
    // init (decision 120): a value no function could read must fail here, before a deployment.
    let checked = 0;
    for (const stage of STAGES) {
      const template = stage === 'prod' ? prod : synthStage(stage);
      for (const [name, environment] of lambdaEnvironments(template)) {
        if (environment.WALLET_FEES !== undefined) {
          expect(() => parseWalletFees(environment.WALLET_FEES), `${stage} ${name}`).not.toThrow();
          checked += 1;
        }
        if (environment.SETTLEMENT_CONFIG !== undefined) {
          const parsed = settlementConfigSchema().safeParse(JSON.parse(environment.SETTLEMENT_CONFIG));
          expect(parsed.success, `${stage} ${name}`).toBe(true);
          checked += 1;
        }
        // The voucher page reads its settings with the first buyer's page: a name it would refuse
        // would have every page answer 500 (outside test 6, decision 131).
        if (environment.VOUCHER_PAGE !== undefined) {
          const parsed = VoucherPageSettingsSchema.safeParse(JSON.parse(environment.VOUCHER_PAGE));
          expect(parsed.success, `${stage} ${name}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(STAGES.length * 3);
  });

  it("gives every function each stage setting its code reads, with the stage's value", () => {
    const missing: string[] = [];
    for (const stage of STAGES) {
      const template = stage === 'prod' ? prod : synthStage(stage);
      for (const [name, environment] of lambdaEnvironments(template)) {
        const read = variablesRead(name);
        for (const { setting, variable } of delivered) {
          if (!read.has(variable)) continue;
          if (!(variable in environment)) {
            missing.push(`${stage} ${name}: ${variable} (${setting}) never set`);
            continue;
          }
          // What the function's config() reads from the template's text is the stage's value.
          const value = valueAt(STAGE_CONFIG[stage], setting);
          const saved = { ...process.env };
          try {
            Object.assign(process.env, environment);
            resetConfigForTests();
            const parsed = (config() as Record<string, unknown>)[variable];
            const expected =
              value instanceof Duration ? value.toSeconds() : JSON.parse(JSON.stringify(value));
            const actual =
              typeof parsed === 'string' && typeof expected === 'object' ? JSON.parse(parsed) : parsed;
            if (JSON.stringify(actual) !== JSON.stringify(expected))
              missing.push(`${stage} ${name}: ${variable} is ${JSON.stringify(actual)}, not the stage's`);
          } finally {
            for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
            Object.assign(process.env, saved);
            resetConfigForTests();
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

const synthesizedStages = new Map<'dev' | 'staging', Template>();
function synthStage(stage: 'dev' | 'staging'): Template {
  const cached = synthesizedStages.get(stage);
  if (cached) return cached;
  const product = createProductApp(
    stage,
    BUILD_DIR,
    new App({ outdir: mkdtempSync(join(synthRoot, `${stage}-`)), context: { ...featureFlags } }),
  );
  const template = Template.fromStack(product.service);
  synthesizedStages.set(stage, template);
  return template;
}

describe('deployable on a new account (decision 88)', () => {
  const reserved = (template: Template) =>
    Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .map((fn) => ({
        name: String(fn.Properties.Description).replace(/ \(\w+\)$/, ''),
        units: fn.Properties.ReservedConcurrentExecutions as number | undefined,
      }))
      .filter(({ units }) => units !== undefined);
  const jobs = [...new Set(SCHEDULES.map((schedule) => schedule.function))];

  it('prod reserves concurrency for the capped functions, and its jobs take no lease', () => {
    const expected = Object.entries(FUNCTIONS)
      .filter(([, spec]) => spec.reservedConcurrency !== undefined)
      .map(([name, spec]) => ({ name, units: spec.reservedConcurrency }));
    expect(reserved(prod)).toEqual(expect.arrayContaining(expected));
    expect(reserved(prod)).toHaveLength(expected.length);
    const environments = lambdaEnvironments(prod);
    for (const job of jobs) expect(environments.get(job)?.JOB_LEASE, job).toBeUndefined();
  });

  it('dev reserves none (a new account can deploy it), and each scheduled job runs under a lease instead', () => {
    const dev = synthStage('dev');
    expect(reserved(dev)).toEqual([]);
    const environments = lambdaEnvironments(dev);
    for (const job of jobs) expect(environments.get(job)?.JOB_LEASE, job).toBe('true');
    // Only the jobs: nothing else takes a lease.
    for (const [name, environment] of environments)
      if (!jobs.includes(name)) expect(environment.JOB_LEASE, name).toBeUndefined();
  });
});

describe('gateway responses are readable cross-origin', () => {
  it('every response API Gateway answers by itself carries CORS, and exposes Retry-After where it sends one', () => {
    const responses = Object.values(
      prod.findResources('AWS::ApiGateway::GatewayResponse') as Record<string, Resource>,
    ).map((response) => ({
      type: String(response.Properties.ResponseType),
      headers: response.Properties.ResponseParameters as Record<string, string>,
    }));
    expect(responses.map(({ type }) => type)).toEqual(
      expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'THROTTLED', 'WAF_FILTERED']),
    );
    for (const { type, headers } of responses) {
      expect(headers['gatewayresponse.header.Access-Control-Allow-Origin'], type).toBe("'*'");
      if (headers['gatewayresponse.header.Retry-After'] !== undefined)
        expect(headers['gatewayresponse.header.Access-Control-Expose-Headers'], type).toBe("'Retry-After'");
    }
  });
});

describe('updates that do not wedge (decision 89)', () => {
  const stateful = statefulOf.get(prod) as Template;
  const outputs = (stateful.toJSON() as { Outputs?: Record<string, { Export?: unknown }> }).Outputs ?? {};
  /** Every Fn::GetStackOutput in a template, wherever it sits. */
  function readsOf(node: unknown, found: { StackName: string; OutputName: string }[] = []) {
    if (Array.isArray(node)) for (const item of node) readsOf(item, found);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node))
        if (key === 'Fn::GetStackOutput') found.push(value as { StackName: string; OutputName: string });
        else readsOf(value, found);
    return found;
  }

  it('the stateful stack exports nothing, and the service stack imports nothing: it reads outputs at its deploy', () => {
    expect(Object.values(outputs).filter((output) => output.Export)).toEqual([]);
    expect(JSON.stringify(prod.toJSON())).not.toContain('Fn::ImportValue');
    const reads = readsOf(prod.toJSON());
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.StackName).toBe('PagoEfectivo-prod-Stateful');
      expect(Object.keys(outputs), read.OutputName).toContain(read.OutputName);
    }
  });

  it("reads the table's stream ARN as an output, so a new stream view cannot be refused as an export in use", () => {
    const mappings = Object.values(
      prod.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>,
    ).filter((mapping) => JSON.stringify(mapping.Properties.EventSourceArn).includes('StreamArn'));
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) expect(readsOf(mapping.Properties.EventSourceArn)).toHaveLength(1);
  });
});
