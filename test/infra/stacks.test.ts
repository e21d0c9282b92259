import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { problem } from '#contract/problem-document';
import { EdgeProtection } from '#lib/constructs/edge-protection';
import { createProductApp } from '#lib/product-app';
import { STAGE_CONFIG, type Stage } from '#lib/stage-config';
import {
  FUNCTIONS,
  type FunctionName,
  GATEWAY_PROBLEMS,
  QUEUES,
  ROUTES,
  SCHEDULES,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  usagePlanName,
} from '#lib/topology';
import { BUILD_DIR } from '../../scripts/build-functions';
import { lambdaEnvironments } from '../../scripts/lambda-environments';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

/** A value the service stack reads from the stateful stack's outputs at deploy time (decision 89). */
const fromStateful = (output: string) => ({
  'Fn::GetStackOutput': expect.objectContaining({
    StackName: expect.stringMatching(/-Stateful$/),
    OutputName: expect.stringContaining(output),
  }),
});

/** Every synthesis of this run goes under one folder (each copies ~80 MB of bundles), removed at the end. */
const synthRoot = mkdtempSync(join(tmpdir(), 'cdk-test-'));
afterAll(() => rmSync(synthRoot, { recursive: true, force: true }));

/** The feature flags `cdk deploy` synthesizes with (cdk.json), so these tests see what AWS would get. */
const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<
  string,
  unknown
>;

/** Prod must page someone; the tests name an on-call address the way an operator would (-c). */
const ONCALL = { alarmEmails: 'oncall@example.pe', alarmHttpsUrls: 'https://alerts.example.pe/sns' };

function synth(
  stage: Stage,
  tamper?: (product: ReturnType<typeof createProductApp>) => void,
  context: Record<string, string> = ONCALL,
) {
  const product = createProductApp(
    stage,
    BUILD_DIR,
    new App({ outdir: mkdtempSync(join(synthRoot, `${stage}-`)), context: { ...featureFlags, ...context } }),
  );
  tamper?.(product);
  // Synthesis runs cdk-nag (AwsSolutions); an unacknowledged finding throws here.
  product.app.synth();
  return {
    product,
    service: Template.fromStack(product.service),
    stateful: Template.fromStack(product.stateful),
  };
}

const synthesized = {
  dev: synth('dev'),
  staging: synth('staging'),
  prod: synth('prod'),
};

/** The IAM actions granted to one function's role, with their statements. */
function statementsOf(template: Template, name: FunctionName, stage: Stage): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: `${name} (${stage})` },
  }) as Record<string, Resource>;
  const [fn] = Object.values(functions);
  if (!fn) throw new Error(`no function ${name} in ${stage}`);
  const roleRef = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
  ).filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef));
  return policies.flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

const actionsOf = (statements: Statement[]) =>
  new Set(statements.flatMap((statement) => [statement.Action].flat()));

function environmentOf(template: Template, name: FunctionName, stage: Stage): Record<string, unknown> {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `${name} (${stage})` },
    }) as Record<string, Resource>,
  );
  if (!fn) throw new Error(`no function ${name} in ${stage}`);
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('synthesis with cdk-nag', () => {
  it('passes AwsSolutions for every stage (each acknowledgement carries a reason in the code)', () => {
    for (const stage of ['dev', 'staging', 'prod'] as const) {
      expect(synthesized[stage].service.toJSON().Resources).toBeDefined();
    }
  });

  it('fails synthesis on a finding nobody acknowledged (the gate is live)', () => {
    expect(() =>
      synth('dev', ({ stateful }) => {
        new Queue(stateful, 'UnprotectedQueue');
      }),
    ).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('functions', () => {
  const { service } = synthesized.prod;

  it('all run ARM64 on Node.js 24 with active tracing and the stage log retention', () => {
    const functions = Object.values(
      service.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    ).filter((fn) => String(fn.Properties.Description ?? '').endsWith('(prod)'));
    expect(functions).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
      });
    }
    service.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    synthesized.dev.service.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('each bundle initialises with exactly the environment its template gives it (as Lambda would load it)', () => {
    // A variable the code needs but the stack never set only shows in AWS: the local stack gives
    // every function every variable. Load each bundle in a fresh process with only its template's
    // variables (CloudFormation references replaced by values of the right shape) and Lambda's own.
    const environments = lambdaEnvironments(service);
    expect([...environments.keys()].sort()).toEqual(Object.keys(FUNCTIONS).sort());
    const failures = [...environments].flatMap(([name, env]) => {
      const bundle = pathToFileURL(join(BUILD_DIR, name, 'index.mjs')).href;
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') process.exit(3);`,
        ],
        {
          env: { PATH: process.env.PATH, ...env },
          encoding: 'utf8',
          timeout: 20_000,
        },
      );
      return run.status === 0
        ? []
        : [
            `${name}: ${run.stderr.match(/\w*Error: [^\n]*(\n(?!\s+at )[^\n]+)*/)?.[0] ?? `exit ${run.status}`}`,
          ];
    });
    expect(failures).toEqual([]);
  });

  it('traces AWS SDK calls only where a deployment asks (-c traceAwsSdkCalls=true), and the traced bundle loads', () => {
    const variablesOf = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).map(
        (fn) =>
          (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      );
    expect(variablesOf(service).filter((variables) => 'TRACE_AWS_SDK_CALLS' in variables)).toEqual([]);
    const traced = synth('dev', undefined, { ...ONCALL, traceAwsSdkCalls: 'true' }).service;
    const tracedFunctions = variablesOf(traced).filter(
      (variables) => variables.TRACE_AWS_SDK_CALLS === 'true',
    );
    expect(tracedFunctions.length).toBeGreaterThanOrEqual(Object.keys(FUNCTIONS).length);
    // The tracer is a bundle of its own (tracer.mjs), loaded during init only with the variable set.
    const bundle = pathToFileURL(join(BUILD_DIR, 'get-order', 'index.mjs')).href;
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(bundle)});`],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          TABLE_NAME: 't',
          TRACE_AWS_SDK_CALLS: 'true',
        },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('ingest-notification may only send to its queue, put raw notifications in their own table and read the PSP secret', () => {
    const statements = statementsOf(service, 'ingest-notification', 'prod');
    const actions = actionsOf(statements);
    expect([...actions].filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:PutItem']);
    const put = statements.find((statement) => [statement.Action].flat().includes('dynamodb:PutItem'));
    // Not the single table: nothing it writes can reach the stream the dispatcher publishes from.
    expect(JSON.stringify(put?.Resource)).toContain('RawNotifications');
    expect(JSON.stringify(put?.Resource)).not.toMatch(/OutputFnGetAttTable/);
    expect(actions).toContain('sqs:SendMessage');
    expect(
      [...actions].filter((action) => action.startsWith('sqs:') && !/Send|GetQueue/.test(action)),
    ).toEqual([]);
    expect(actions).toContain('secretsmanager:GetSecretValue');
  });

  it('readers cannot write, and only PSP callers can read the secret', () => {
    for (const name of ['authorizer', 'get-order', 'get-voucher', 'list-orders', 'list-anomalies'] as const) {
      const actions = actionsOf(statementsOf(service, name, 'prod'));
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
        expect(actions, name).not.toContain(write);
      }
      // Listings read the cursor key (decision 76), never the PSP credentials.
      const secretsRead = statementsOf(service, name, 'prod')
        .filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) => [statement.Resource].flat());
      expect(JSON.stringify(secretsRead), name).not.toMatch(/PagoEfectivoCredentials/);
      expect(
        secretsRead.every((resource) => JSON.stringify(resource).includes('CursorKey')),
        name,
      ).toBe(true);
    }
    const openapi = actionsOf(statementsOf(service, 'openapi', 'prod'));
    expect(
      [...openapi].some((action) => action.startsWith('dynamodb:') || action.startsWith('secretsmanager:')),
    ).toBe(false);
    // apply-payment is a PSP caller since payment options (decision 104): the first payment closes
    // the order's other options at their providers (CIP deleted, wallet order cancelled).
    expect(actionsOf(statementsOf(service, 'apply-payment', 'prod'))).toContain(
      'secretsmanager:GetSecretValue',
    );
  });

  /**
   * Every function's effective IAM actions, as the prod template grants them. Any widening fails
   * here (and so does a narrowing, which then only needs this list updated): least privilege is
   * reviewed, not assumed.
   */
  it('grant each function exactly its reviewed actions', () => {
    const common = [
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ];
    const sqsSend = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
    const sqsConsume = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ];
    const secret = ['kms:Decrypt', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
    const transition = ['dynamodb:GetItem', 'dynamodb:PutItem'];
    // The listing functions read the cursor key (decision 76).
    const cursorKey = ['kms:Decrypt', 'secretsmanager:GetSecretValue'];
    // ConditionCheckItem: a double payment's refund proposal checks the order's version (decision 114).
    const applyPayment = [
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    const asyncDestination = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
    const reconcile = [
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    const expected: Record<FunctionName, string[]> = {
      // The PSP's credentials (`secret`): a payment heard of only in a report is confirmed first (decision 135).
      settlements: [...reconcile, 's3:PutObject', ...cursorKey, ...secret],
      'reconcile-upload': [...reconcile, 's3:GetObject', ...asyncDestination, ...secret],
      'check-unsettled': [...applyPayment, ...asyncDestination],
      payouts: [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        ...cursorKey,
      ],
      'create-payouts': [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        ...asyncDestination,
      ],
      'voucher-page': ['dynamodb:GetItem'],
      'remind-expiring': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', ...asyncDestination],
      // It checks the ledger and never changes it: no UpdateItem, no DeleteItem.
      'ledger-integrity': [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        ...asyncDestination,
      ],
      authorizer: ['dynamodb:GetItem'],
      'create-order': [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        ...secret,
      ],
      'risk-review': [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        ...secret,
      ],
      'get-order': ['dynamodb:GetItem'],
      'get-voucher': ['dynamodb:GetItem'],
      'list-orders': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', ...cursorKey],
      // DeleteItem on their Idempotency-Key records only (IDEMPOTENCY#*, decision 132).
      'cancel-order': [...transition, 'dynamodb:DeleteItem', ...secret],
      'add-payment-option': [...transition, ...secret],
      'extend-expiry': [...transition, ...secret],
      openapi: [],
      'ingest-notification': ['dynamodb:PutItem', ...sqsSend, ...secret],
      'apply-payment': [...applyPayment, ...sqsConsume, ...secret],
      'list-anomalies': ['dynamodb:BatchGetItem', 'dynamodb:Query', ...cursorKey],
      ledger: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', ...cursorKey],
      refunds: [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        // dLocal refunds are requested from dLocal on approval (docs/providers.md).
        ...secret,
      ],
      'resolve-anomaly': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      'fulfil-order': [...transition, 'dynamodb:DeleteItem'],
      'accept-late-payment': [...transition, 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
      'sync-pending': [
        ...applyPayment,
        // Only the confirmed payment dates' markers (PAYMENT_DATE#*).
        'dynamodb:DeleteItem',
        ...secret,
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ],
      'expire-orders': [
        ...applyPayment,
        ...secret,
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ],
      'webhook-endpoints': [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        ...cursorKey,
      ],
      events: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', ...sqsSend, ...cursorKey],
      'dispatch-events': [
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetItem',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:Query',
        'events:PutEvents',
        ...sqsSend,
      ],
      'deliver-webhooks': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', ...sqsConsume],
    };
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const granted = [...actionsOf(statementsOf(service, name, 'prod'))].filter(
        (action) => !common.includes(action),
      );
      expect([...new Set(granted)].sort(), name).toEqual([...new Set(expected[name])].sort());
    }
    // Only the authorizer's reads are limited to API keys; deletes only where a function deletes.
    const [authorizerRead] = statementsOf(service, 'authorizer', 'prod').filter((statement) =>
      [statement.Action].flat().includes('dynamodb:GetItem'),
    );
    expect(authorizerRead?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] },
    });
    for (const name of ['cancel-order', 'fulfil-order', 'accept-late-payment'] as const) {
      const idempotencyDeletes = statementsOf(service, name, 'prod').find((statement) =>
        [statement.Action].flat().includes('dynamodb:DeleteItem'),
      );
      expect(idempotencyDeletes?.Condition, name).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#*'] },
      });
    }
    const deletes = statementsOf(service, 'webhook-endpoints', 'prod').find((statement) =>
      [statement.Action].flat().includes('dynamodb:DeleteItem'),
    );
    expect(deletes?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#*', 'ENDPOINT#*'] },
    });
    const syncDeletes = statementsOf(service, 'sync-pending', 'prod').find((statement) =>
      [statement.Action].flat().includes('dynamodb:DeleteItem'),
    );
    expect(syncDeletes?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PAYMENT_DATE#*'] },
    });
  });

  it('no function is granted a wildcard over the table or its indexes', () => {
    const json = JSON.stringify(service.toJSON());
    expect(json).not.toMatch(/"dynamodb:\*"/);
    expect(json).not.toMatch(/\/index\/\*/);
  });

  it("gives the refunds function the stage's maker-checker thresholds (a stage setting that never reached Lambda would leave the code's defaults)", () => {
    for (const stage of ['dev', 'staging', 'prod'] as const) {
      expect(environmentOf(synthesized[stage].service, 'refunds', stage)).toMatchObject({
        REFUND_APPROVAL_THRESHOLD: String(STAGE_CONFIG[stage].money.refundApprovalThreshold),
        REFUND_DAILY_APPROVAL_THRESHOLD: String(STAGE_CONFIG[stage].money.refundDailyApprovalThreshold),
      });
    }
  });

  it('wires the environment each function reads, with secrets by reference only', () => {
    expect(environmentOf(service, 'create-order', 'prod')).toMatchObject({
      TABLE_NAME: fromStateful('OutputRefTable'),
      PAGOEFECTIVO_SECRET_ARN: fromStateful('PagoEfectivoCredentials'),
      PAGOEFECTIVO_BASE_URL: 'https://services.pagoefectivo.pe',
      STAGE: 'prod',
    });
    expect(environmentOf(synthesized.dev.service, 'create-order', 'dev').PAGOEFECTIVO_BASE_URL).toBe(
      'https://pre1a.services.pagoefectivo.pe',
    );
    expect(environmentOf(service, 'ingest-notification', 'prod')).toMatchObject({
      PAYMENT_QUEUE_URL: fromStateful('paymentnotifications'),
      RAW_NOTIFICATION_RETENTION_DAYS: '400',
    });
    for (const stage of ['dev', 'staging', 'prod'] as const) {
      const everything = JSON.stringify([
        synthesized[stage].service.toJSON(),
        synthesized[stage].stateful.toJSON(),
      ]);
      expect(everything).not.toMatch(/PAGOEFECTIVO_SECRET_KEY|PAGOEFECTIVO_ACCESS_KEY|"SecretString":/);
    }
  });

  it('gives the listing functions, and no other, the cursor key (by reference)', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, { cursors?: true }][]) {
      const variable = environmentOf(service, name, 'prod').CURSOR_KEY_SECRET_ARN;
      if (spec.cursors) expect(variable, name).toEqual(fromStateful('CursorKey'));
      else expect(variable, name).toBeUndefined();
    }
    expect(JSON.stringify(service.toJSON())).not.toMatch(/"CURSOR_KEY":/);
  });
});

describe('queues', () => {
  const { service, stateful } = synthesized.prod;

  it('feed apply-payment in batches that report item failures', () => {
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('hide a message longer than six consumer timeouts and dead-letter it after maxReceiveCount', () => {
    for (const spec of QUEUES) {
      const timeout = FUNCTIONS[spec.consumer].timeoutSeconds;
      expect(spec.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * timeout);
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `pagoefectivo-prod-${spec.name}`,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { maxReceiveCount: spec.maxReceiveCount, deadLetterTargetArn: Match.anyValue() },
      });
    }
  });
});

describe('stateful resources per stage', () => {
  it('prod keeps its table (RETAIN, deletion protection, PITR, TTL, stream)', () => {
    const tables = synthesized.prod.stateful.findResources('AWS::DynamoDB::Table') as Record<
      string,
      Resource
    >;
    const [table] = Object.values(tables);
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('retains every stateful resource outside dev, the event bus and its archive (the only replay source) included', () => {
    for (const stage of ['staging', 'prod'] as const) {
      const resources = Object.entries(
        (synthesized[stage].stateful.toJSON() as { Resources: Record<string, Resource> }).Resources,
      );
      const kept = (type: string) => resources.filter(([, resource]) => resource.Type === type);
      for (const type of [
        'AWS::DynamoDB::Table',
        'AWS::SQS::Queue',
        'AWS::Events::EventBus',
        'AWS::Events::Archive',
        'AWS::SecretsManager::Secret',
        'AWS::S3::Bucket',
      ]) {
        expect(kept(type).length, `${stage} ${type}`).toBeGreaterThan(0);
        for (const [id, resource] of kept(type))
          expect(resource.DeletionPolicy, `${stage} ${id}`).toBe('Retain');
      }
    }
  });

  it("deletes the WAF log group (a fixed name) with a dev stack, so the next dev deploy can make it again; keeps prod's", () => {
    const logGroups = (stage: 'dev' | 'prod') =>
      Object.values(
        synthesized[stage].service.findResources('AWS::Logs::LogGroup', {
          Properties: { LogGroupName: `aws-waf-logs-pagoefectivo-${stage}-api` },
        }) as Record<string, Resource>,
      );
    expect(logGroups('dev').map((group) => group.DeletionPolicy)).toEqual(['Delete']);
    expect(logGroups('prod').map((group) => group.DeletionPolicy)).toEqual(['Retain']);
  });

  it('dev may be torn down; staging is retained without deletion protection', () => {
    const [devTable] = Object.values(
      synthesized.dev.stateful.findResources('AWS::DynamoDB::Table') as Record<string, Resource>,
    );
    expect(devTable?.DeletionPolicy).toBe('Delete');
    const [stagingTable] = Object.values(
      synthesized.staging.stateful.findResources('AWS::DynamoDB::Table') as Record<string, Resource>,
    );
    expect(stagingTable?.DeletionPolicy).toBe('Retain');
    expect(stagingTable?.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('API', () => {
  it('logs access, caps the whole stage and traces', () => {
    for (const stage of ['dev', 'prod'] as const) {
      synthesized[stage].service.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: stage,
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
        TracingEnabled: true,
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            ThrottlingRateLimit: STAGE_CONFIG[stage].api.apiThrottle.rateLimit,
            ThrottlingBurstLimit: STAGE_CONFIG[stage].api.apiThrottle.burstLimit,
          }),
        ]),
      });
    }
  });

  it('throttles each client on its own: a usage plan keyed by the authorizer, required on every /v1 method', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const { service } = synthesized[stage];
      service.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
      service.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: usagePlanName(stage),
        Throttle: {
          RateLimit: STAGE_CONFIG[stage].api.clientThrottle.rateLimit,
          BurstLimit: STAGE_CONFIG[stage].api.clientThrottle.burstLimit,
        },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
      // Per client means below the stage-wide ceiling, or one client could take it all.
      expect(STAGE_CONFIG[stage].api.clientThrottle.rateLimit).toBeLessThan(
        STAGE_CONFIG[stage].api.apiThrottle.rateLimit,
      );
      const methods = Object.values(
        service.findResources('AWS::ApiGateway::Method') as Record<string, Resource>,
      );
      for (const method of methods) {
        expect(method.Properties.ApiKeyRequired ?? false).toBe(
          method.Properties.AuthorizationType === 'CUSTOM',
        );
      }
    }
  });

  it('answers its own refusals (401, 403 without usage plan, 429) as problem+json', () => {
    const { service } = synthesized.prod;
    for (const [type, spec] of [
      ['UNAUTHORIZED', GATEWAY_PROBLEMS.unauthorized],
      ['INVALID_API_KEY', GATEWAY_PROBLEMS.apiKeyNotEnabled],
      ['THROTTLED', GATEWAY_PROBLEMS.throttled],
      ['MISSING_AUTHENTICATION_TOKEN', GATEWAY_PROBLEMS.noSuchRoute],
      // A body over API Gateway's 10 MB: 413 `payload_too_large`, as the local server answers 6 MiB.
      ['REQUEST_TOO_LARGE', GATEWAY_PROBLEMS.payloadTooLarge],
    ] as const) {
      service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: String(spec.status),
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
        }),
        // Byte for byte what the local API server answers.
        ResponseTemplates: {
          'application/json': JSON.stringify(problem(spec.status, spec.code, spec.detail)),
        },
      });
    }
    // A failed authorizer (the API keys could not be read) is "retry shortly", never a 401.
    for (const type of ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
      const spec = GATEWAY_PROBLEMS.serviceUnavailable;
      service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: '503',
        ResponseParameters: {
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
          'gatewayresponse.header.Retry-After': `'${SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS}'`,
        },
        ResponseTemplates: {
          'application/json': JSON.stringify(problem(spec.status, spec.code, spec.detail)),
        },
      });
    }
    // Other 4xx keep API Gateway's status and message, in a problem+json body.
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'DEFAULT_4XX',
      StatusCode: Match.absent(),
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('\\$context\\.error\\.messageString') },
    });
  });

  it('hands every body to the functions byte for byte (base64), so signatures see the raw bytes', () => {
    synthesized.prod.service.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
  });

  it('guards /v1 with the API-key authorizer and leaves the webhook to its signature', () => {
    const { service } = synthesized.prod;
    service.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    const methods = Object.values(
      service.findResources('AWS::ApiGateway::Method') as Record<string, Resource>,
    );
    const custom = methods.filter((method) => method.Properties.AuthorizationType === 'CUSTOM');
    const open = methods.filter((method) => method.Properties.AuthorizationType === 'NONE');
    expect(custom).toHaveLength(ROUTES.filter((route) => route.auth === 'apiKey').length);
    expect(open).toHaveLength(ROUTES.filter((route) => route.auth !== 'apiKey').length);
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
  });
});

describe('schedules', () => {
  const { service } = synthesized.prod;

  it('run each job on its stage rate (daily ones at a Lima time) with retries and a dead-letter queue', () => {
    for (const spec of SCHEDULES) {
      const rate = {
        'expire-orders': 'rate(1 minute)',
        'sync-pending': 'rate(5 minutes)',
        // A rate of a day runs at the deploy's hour: Lima wall-clock times instead.
        'check-unsettled': 'cron(0 6 * * ? *)',
        // Hourly from 07:00: a payout run cut short continues within the hour.
        'create-payouts': 'cron(0 7-23 * * ? *)',
        'remind-expiring': 'rate(15 minutes)',
        'ledger-integrity': 'rate(1 hour)',
      }[spec.name];
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        Description: `${spec.name} (prod)`,
        ScheduleExpression: rate,
        ...(rate.startsWith('cron') ? { ScheduleExpressionTimezone: 'America/Lima' } : {}),
        State: 'ENABLED',
        Target: Match.objectLike({
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      });
    }
    expect(environmentOf(service, 'expire-orders', 'prod')).toMatchObject({ EXPIRY_GRACE_SECONDS: '120' });
    expect(environmentOf(synthesized.dev.service, 'expire-orders', 'dev')).toMatchObject({
      EXPIRY_GRACE_SECONDS: '60',
    });
  });

  it('drain each queue with bounded concurrency, so a burst cannot starve the API', () => {
    for (const spec of QUEUES) {
      service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: Match.anyValue(),
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      });
    }
  });

  it('never overlap a run (reserved concurrency 1) and never retry one silently (no async retries, DLQ)', () => {
    const jobsDlq = Object.keys(
      synthesized.prod.stateful.findResources('AWS::SQS::Queue', {
        Properties: { QueueName: 'pagoefectivo-prod-jobs-dlq' },
      }),
    );
    expect(jobsDlq).toHaveLength(1);
    for (const spec of SCHEDULES) {
      const [fnId, fn] = Object.entries(
        service.findResources('AWS::Lambda::Function', {
          Properties: { Description: `${spec.function} (prod)` },
        }) as Record<string, Resource>,
      )[0] as [string, Resource];
      expect(fn.Properties.ReservedConcurrentExecutions, spec.name).toBe(1);
      service.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 0,
        // A run older than its period is superseded; Lambda keeps async events 6 h at most.
        MaximumEventAgeInSeconds: {
          'expire-orders': 60,
          'sync-pending': 300,
          'check-unsettled': 21_600,
          'create-payouts': 3_600,
          'remind-expiring': 900,
          'ledger-integrity': 3600,
        }[spec.name],
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    }
  });

  it('alarm on undeliverable job runs and on a backlog of overdue pending orders', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DueOrdersLeft',
      Namespace: 'PagoEfectivoMarketplace',
      EvaluationPeriods: 10,
    });
    // One per queue's DLQ (a rise of its visible count), the jobs DLQ and the stream failure
    // destination (messages sent): new messages, not "visible > 0" (test/infra/day-one.test.ts).
    const dlqAlarms = Object.entries(
      service.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>,
    ).filter(([, alarm]) =>
      /ApproximateNumberOfMessagesVisible|NumberOfMessagesSent/.test(JSON.stringify(alarm.Properties)),
    );
    expect(dlqAlarms).toHaveLength(QUEUES.length + 2);
  });
});

describe('outbox dispatch', () => {
  const { service, stateful } = synthesized.prod;

  it('has a bus per stage', () => {
    stateful.hasResourceProperties('AWS::Events::EventBus', { Name: 'pagoefectivo-prod-events' });
    synthesized.dev.stateful.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'pagoefectivo-dev-events',
    });
  });

  it('reads the stream for new outbox items only, bisecting and retrying a bounded number of times', () => {
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { entity: { S: ['event'] } } },
            }),
          },
        ],
      },
    });
  });

  it('lets the dispatcher put events on the bus and queue deliveries, and nothing else', () => {
    const actions = actionsOf(statementsOf(service, 'dispatch-events', 'prod'));
    expect(actions).toContain('events:PutEvents');
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('dynamodb:GetRecords');
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
      expect(actions).not.toContain(write);
    expect(environmentOf(service, 'dispatch-events', 'prod')).toMatchObject({
      EVENT_BUS_NAME: fromStateful('EventBus'),
      WEBHOOK_DELIVERY_QUEUE_URL: fromStateful('webhookdeliveries'),
    });
    expect(actionsOf(statementsOf(service, 'deliver-webhooks', 'prod'))).toContain(
      'sqs:ChangeMessageVisibility',
    );
  });

  it('alarms when batches reach the failure destination or the dispatcher lags', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
    });
  });
});

describe('alarms', () => {
  const { service } = synthesized.prod;

  it('reach a human: a key CloudWatch may use, a topic policy that lets it publish, subscribers', () => {
    const topics = service.findResources('AWS::SNS::Topic') as Record<string, Resource>;
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId, topic] = Object.entries(topics)[0] as [string, Resource];
    // A customer-managed key of this stack (the AWS-managed aws/sns key cannot be used by CloudWatch).
    const keyRef = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const key = service.toJSON().Resources[keyRef] as Resource;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    const forCloudWatch = keyStatements.find((statement) =>
      JSON.stringify(statement).includes('cloudwatch.amazonaws.com'),
    );
    expect(forCloudWatch?.Effect).toBe('Allow');
    expect(forCloudWatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(JSON.stringify(forCloudWatch?.Condition)).toContain('aws:SourceAccount');
    // The topic policy: CloudWatch may publish (from this account's alarms), and TLS is enforced.
    const policies = Object.values(
      service.findResources('AWS::SNS::TopicPolicy') as Record<string, Resource>,
    );
    const statements = policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const allow = statements.find(
      (statement) =>
        statement.Effect === 'Allow' && JSON.stringify(statement).includes('cloudwatch.amazonaws.com'),
    );
    expect(allow?.Action).toBe('sns:Publish');
    expect(JSON.stringify(allow?.Condition)).toMatch(/aws:SourceAccount[\s\S]*aws:SourceArn/);
    expect(statements.some((statement) => statement.Effect === 'Deny')).toBe(true);
    // Someone is subscribed.
    const subscriptions = Object.values(
      service.findResources('AWS::SNS::Subscription') as Record<string, Resource>,
    );
    expect(subscriptions.map((subscription) => subscription.Properties.Protocol).sort()).toEqual([
      'email',
      'https',
    ]);
    for (const subscription of subscriptions)
      expect(subscription.Properties.TopicArn).toEqual({ Ref: topicId });
  });

  it('refuses to synthesize a prod that pages no one', () => {
    expect(() => synth('prod', undefined, {})).toThrow(/pages no one/);
  });

  it('sum money at risk up in a composite, while each member pages on its own', () => {
    const composites = Object.values(
      service.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>,
    );
    expect(composites).toHaveLength(1);
    const rule = JSON.stringify(composites[0]?.Properties.AlarmRule);
    // The dashboard's summary: a second incident would change no composite state (day-one.test.ts).
    expect(composites[0]?.Properties.AlarmActions).toBeUndefined();
    const alarms = service.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
    const members = Object.entries(alarms).filter(([id]) => rule.includes(id));
    expect(members.map(([id]) => id).join(' ')).toMatch(/paymentnotificationsdlq/i);
    for (const name of [
      'paymentanomalies',
      'overduependingbacklog',
      'jobsdlq',
      'notificationssilent',
      'ledgerintegritydifferences',
      'finalcheckfailing',
    ]) {
      expect(
        members.some(([id]) => id.toLowerCase().includes(name)),
        name,
      ).toBe(true);
    }
    for (const [id, member] of members) expect(member.Properties.AlarmActions, id).toHaveLength(1);
  });

  it('page (through money at risk) when a ledger integrity pass finds any difference', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'LedgerIntegrityDifferences',
      Namespace: 'PagoEfectivoMarketplace',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [
        { Name: 'provider', Value: 'pagoefectivo' },
        { Name: 'service', Value: 'pagoefectivo-marketplace' },
      ],
    });
    const composite = Object.values(
      service.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>,
    )[0];
    const [id] = Object.keys(
      service.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'LedgerIntegrityDifferences' },
      }),
    );
    expect(JSON.stringify(composite?.Properties.AlarmRule)).toContain(String(id));
  });

  it('page (through money at risk) when a payment option stays open at its provider for 15 minutes', () => {
    // The metric the closure emits when it gives up its tries (functions/payments/option-closures.ts).
    expect(readFileSync('functions/payments/option-closures.ts', 'utf8')).toContain(
      "addMetric('PaymentOptionNotClosed'",
    );
    for (const stage of ['prod', 'dev'] as const) {
      synthesized[stage].service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'PaymentOptionNotClosed',
        Namespace: 'PagoEfectivoMarketplace',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 4,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
        AlarmActions: [Match.anyValue()],
        AlarmDescription: Match.stringLikeRegexp('docs/runbook.md'),
      });
    }
    const [id] = Object.keys(
      service.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'PaymentOptionNotClosed' },
      }),
    );
    const composite = Object.values(
      service.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>,
    )[0];
    expect(JSON.stringify(composite?.Properties.AlarmRule)).toContain(String(id));
    expect(readFileSync('docs/runbook.md', 'utf8')).toContain('A payment option stays open');
  });

  it("page when due orders wait for their final check longer than the stage's limit", () => {
    // The expirer never expires an order unchecked (decision 78): a PSP down shows here instead.
    for (const stage of ['prod', 'dev'] as const) {
      synthesized[stage].service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'FinalCheckFailingSeconds',
        Namespace: 'PagoEfectivoMarketplace',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: STAGE_CONFIG[stage].alarms.finalCheckAfter.toSeconds(),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    expect(STAGE_CONFIG.prod.alarms.finalCheckAfter.toMinutes()).toBe(15);
  });

  it('raise a heartbeat alarm when PagoEfectivo goes silent, in prod only', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NotificationAccepted',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Period: 6 * 3600,
    });
    expect(
      synthesized.dev.service.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'NotificationAccepted' },
      }),
    ).toEqual({});
  });

  it('watch the DLQ, signature failures, anomalies and every function, and notify the topic', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfMessagesSent',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      AlarmActions: [Match.anyValue()],
    });
    for (const metric of ['NotificationSignatureRejected', 'PaymentAnomaly']) {
      service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'PagoEfectivoMarketplace',
        // What Powertools emits: its service, and the stage's provider as a default dimension.
        Dimensions: [
          { Name: 'provider', Value: 'pagoefectivo' },
          { Name: 'service', Value: 'pagoefectivo-marketplace' },
        ],
      });
    }
    const errorAlarms = service.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda' },
    });
    expect(Object.keys(errorAlarms)).toHaveLength(Object.keys(FUNCTIONS).length);
  });

  it('put every metric our code emits, and every alarm, on one dashboard per stage', () => {
    const dashboards = Object.values(
      service.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>,
    );
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('pagoefectivo-prod');
    // cfn-lint E3002: some regions' schema for dashboards has no Tags; an untagged one deploys everywhere.
    expect(dashboards[0]?.Properties.Tags).toBeUndefined();
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    const emitted = new Set<string>();
    for (const file of readdirSync('functions', { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(join('functions', file), 'utf8');
      for (const call of source.matchAll(/addMetric\(([^)]*?),\s*MetricUnit/gs)) {
        // Metric names are PascalCase; other quoted words in the call (e.g. 'PAID' in a ternary) are not.
        for (const name of (call[1] ?? '').matchAll(/'([A-Z][a-z]\w+)'/g)) emitted.add(name[1] ?? '');
      }
    }
    expect(emitted.size).toBeGreaterThan(10);
    for (const metric of emitted) expect(body, metric).toMatch(new RegExp(`\\b${metric}\\b`));
    const alarms = Object.keys(service.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) expect(body, alarm).toContain(alarm);
  });
});

// S3 has no emulator that runs here (s3rver's last release is from 2021): the upload path is
// proven by these assertions on the synthesized templates, the reconciliation by the e2e tests.
describe('settlement report uploads', () => {
  const { stateful, service } = synthesized.prod;

  it('keep reports in a private, encrypted, TLS-only bucket that tells EventBridge of new objects', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', Match.arrayWith(['pagoefectivo-prod-settlement-reports-'])] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    // No custom-resource Lambda for the notifications (the one function here is the console user
    // pool's token trigger, lib/constructs/console-user-pool.ts).
    expect(
      Object.keys(stateful.findResources('AWS::Lambda::Function')).filter(
        (id) => !id.startsWith('ConsoleUsersPreTokenGeneration'),
      ),
    ).toEqual([]);
  });

  it('start the reconcile function for objects created under incoming/, with retries and the jobs DLQ', () => {
    const [reconcileId] = Object.keys(
      service.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'reconcile-upload (prod)' },
      }),
    );
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [Match.anyValue()] }, object: { key: [{ prefix: 'incoming/' }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcileId, 'Arn'] } })],
    });
    service.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: reconcileId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    for (const [name, action] of [
      ['settlements', 's3:PutObject'],
      ['reconcile-upload', 's3:GetObject'],
    ] as const) {
      const environment = environmentOf(service, name, 'prod');
      expect(JSON.stringify(environment.SETTLEMENT_BUCKET_NAME)).toContain(
        'pagoefectivo-prod-settlement-reports-',
      );
      expect(environment.SETTLEMENT_CONFIG).toBe(JSON.stringify(STAGE_CONFIG.prod.money.settlement));
      const policies = JSON.stringify(service.findResources('AWS::IAM::Policy'));
      expect(policies).toContain(action);
    }
    expect(JSON.stringify(service.findResources('AWS::IAM::Policy'))).toContain('/incoming/*');
  });
});

describe('payouts', () => {
  it('give the payout functions (and the balance reader) the stage schedule', () => {
    const { service } = synthesized.prod;
    for (const name of ['payouts', 'create-payouts', 'ledger'] as const) {
      expect(environmentOf(service, name, 'prod').PAYOUT_SCHEDULE).toBe(
        JSON.stringify(STAGE_CONFIG.prod.money.payoutSchedule),
      );
    }
    expect(environmentOf(service, 'create-order', 'prod').PAYOUT_SCHEDULE).toBeUndefined();
  });
});

describe('a stage selling through dLocal (-c provider=dlocal)', () => {
  it('keeps dLocal credentials in their own secret, readable by the PSP functions only, and passes cdk-nag', () => {
    const { service, stateful } = synth('dev', undefined, { ...ONCALL, provider: 'dlocal' });
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'pagoefectivo/dev/dlocal-credentials',
    });
    for (const name of [
      'create-order',
      'refunds',
      'sync-pending',
      'expire-orders',
      'ingest-notification',
    ] as const) {
      const env = environmentOf(service, name, 'dev');
      expect(env.PSP_PROVIDER, name).toBe('dlocal');
      expect(env.DLOCAL_SECRET_ARN, name).toBeDefined();
      expect(env.DLOCAL_BASE_URL, name).toBe('https://sandbox.dlocal.com');
    }
    // dLocal is told where to notify with every call: the calling functions know our URL.
    expect(environmentOf(service, 'refunds', 'dev').PUBLIC_BASE_URL).toBeDefined();
    expect(environmentOf(service, 'get-order', 'dev').DLOCAL_SECRET_ARN).toBeUndefined();
    // The default stages create no dLocal secret.
    expect(
      Object.keys(
        synthesized.prod.stateful.findResources('AWS::SecretsManager::Secret', {
          Properties: { Name: 'pagoefectivo/prod/dlocal-credentials' },
        }),
      ),
    ).toEqual([]);
    expect(() => synth('dev', undefined, { ...ONCALL, provider: 'payu' })).toThrow(/-c provider/);
    // Its wallet is dLocal's Yape, on the dLocal credentials: no Culqi secret, no Culqi grant.
    expect(
      Object.keys(
        stateful.findResources('AWS::SecretsManager::Secret', {
          Properties: { Name: 'pagoefectivo/dev/culqi-credentials' },
        }),
      ),
    ).toEqual([]);
    expect(environmentOf(service, 'create-order', 'dev')).toMatchObject({ WALLET_PROVIDER: 'dlocal' });
    expect(environmentOf(service, 'create-order', 'dev').CULQI_SECRET_ARN).toBeUndefined();
    // Metrics and alarms carry the provider: every function is told it, the alarms match on it.
    expect(environmentOf(service, 'apply-payment', 'dev').PSP_PROVIDER).toBe('dlocal');
    for (const [template, provider] of [
      [service, 'dlocal'],
      [synthesized.prod.service, 'pagoefectivo'],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'PaymentAnomaly',
        Dimensions: Match.arrayWith([{ Name: 'provider', Value: provider }]),
      });
    }
  });
});

describe("the buyer's side", () => {
  it('gives voucher page links the stage URL (no cycle), the page its settings, the reminders their lead', () => {
    const { service } = synthesized.prod;
    const base = JSON.stringify(environmentOf(service, 'create-order', 'prod').PUBLIC_BASE_URL);
    // https://<RestApi Ref>.execute-api.<region>.<urlSuffix>/prod — the API's id, not its deployment.
    expect(base).toMatch(/"Ref":"Api[0-9A-F]+"/);
    expect(base).toContain('.execute-api.');
    expect(base).toContain('/prod');
    expect(base).not.toMatch(/Deployment|Stage/);
    expect(JSON.parse(String(environmentOf(service, 'voucher-page', 'prod').VOUCHER_PAGE))).toEqual({
      marketplaceName: 'Marketplace',
      whereToPayUrl: 'https://www.pagoefectivo.pe/',
    });
    expect(environmentOf(service, 'remind-expiring', 'prod').REMINDER_LEAD_MINUTES).toBe('360');
    // The public page's function holds no PSP credentials and may read only its pointers and orders.
    expect(environmentOf(service, 'voucher-page', 'prod').PAGOEFECTIVO_SECRET_ARN).toBeUndefined();
  });
});

describe('edge protection', () => {
  it('puts AWS WAF in front of the API stage: managed rule groups and per-IP rate limits', () => {
    const { service } = synthesized.prod;
    service.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
          },
        }),
        Match.objectLike({
          Name: 'public-routes-rate-per-ip',
          Action: { Block: Match.objectLike({ CustomResponse: Match.objectLike({ ResponseCode: 429 }) }) },
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: 'IP',
              Limit: 6000,
              // WAF sees `/<stage>/…`: the buyer's paths are matched anywhere in the URI, never at its
              // start. The PSP routes are in no per-IP rule sized for people (test/infra/day-one.test.ts).
              ScopeDownStatement: {
                OrStatement: {
                  Statements: ['/v/', '/sdk/'].map((path) => ({
                    ByteMatchStatement: Match.objectLike({
                      PositionalConstraint: 'CONTAINS',
                      SearchString: path,
                    }),
                  })),
                },
              },
            }),
          },
        }),
      ]),
    });
    service.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    service.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  it('allows only the configured PSP addresses to post notifications, when the stage lists them', () => {
    const stack = new Stack(new App({ outdir: mkdtempSync(join(synthRoot, 'edge-')) }), 'Edge');
    new EdgeProtection(stack, 'Edge', {
      stage: 'prod',
      stageArn: 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod',
      publicRoutesPerIpPer5Min: 1000,
      apiPerIpPer5Min: 20000,
      pspRoutesPerIpPer5Min: 100_000,
      pspSourceCidrs: ['203.0.113.0/24'],
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['203.0.113.0/24'] });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'psp-notifications-from-psp-only',
          Priority: 5,
          Statement: {
            AndStatement: {
              Statements: Match.arrayWith([
                {
                  OrStatement: {
                    Statements: ['/webhooks/pagoefectivo', '/webhooks/dlocal', '/webhooks/culqi'].map(
                      (path) => ({
                        ByteMatchStatement: Match.objectLike({
                          PositionalConstraint: 'ENDS_WITH',
                          SearchString: path,
                          // Decoded and normalised first: `%2F`, `//` or `/./` cannot slip past.
                          TextTransformations: [
                            { Priority: 0, Type: 'URL_DECODE' },
                            { Priority: 1, Type: 'NORMALIZE_PATH' },
                          ],
                        }),
                      }),
                    ),
                  },
                },
              ]),
            },
          },
        }),
      ]),
    });
  });
});

describe('a stage whose wallet provider is Culqi (every PagoEfectivo stage by default)', () => {
  /** The functions that call Culqi (ingest-notification reads only the webhook's basic-auth pair). */
  const CULQI_CALLERS = new Set<FunctionName>([
    'create-order',
    'add-payment-option',
    'ingest-notification',
    'apply-payment',
    'sync-pending',
    'expire-orders',
    'cancel-order',
    'risk-review',
    // A refund back to a wallet payment is sent to Culqi on approval (decision 114).
    'refunds',
  ]);

  it.each(['dev', 'staging', 'prod'] as const)(
    '%s: keeps the Culqi secret key in its own secret, granted only to the functions that call Culqi',
    (stage) => {
      const { service, stateful } = synthesized[stage];
      const secrets = stateful.findResources('AWS::SecretsManager::Secret', {
        Properties: { Name: `pagoefectivo/${stage}/culqi-credentials` },
      }) as Record<string, Resource>;
      expect(Object.keys(secrets)).toHaveLength(1);
      const [secret] = Object.values(secrets);
      // Encrypted by the PSP credentials' own key, not the account default.
      expect(JSON.stringify(secret?.Properties.KmsKeyId)).toContain('PagoEfectivoCredentialsKey');
      // Nothing secret in the template: a generated placeholder the operator overwrites.
      expect(secret?.Properties.SecretString).toBeUndefined();
      expect(secret?.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'secretKey' });
      for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
        const env = environmentOf(service, name, stage);
        const arn = env.CULQI_SECRET_ARN;
        const reads = statementsOf(service, name, stage).some(
          (statement) =>
            arn !== undefined &&
            [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
            // One statement may grant several secrets (the refunds function reads three).
            [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(arn)),
        );
        if (CULQI_CALLERS.has(name)) {
          expect(arn, name).toBeDefined();
          expect(reads, `${name} may read the Culqi secret`).toBe(true);
          expect(env.WALLET_PROVIDER, name).toBe('culqi');
        } else {
          expect(arn, name).toBeUndefined();
          expect(env.WALLET_PROVIDER, name).toBeUndefined();
        }
      }
    },
  );
});
