import { join } from 'node:path';
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  AlarmStatusWidget,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaFunctionTarget } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { problem, problemType } from '#platform/problem-document';
import { AlarmTopic } from './constructs/alarm-topic';
import { EdgeProtection } from './constructs/edge-protection';
import { ServiceFunction } from './constructs/service-function';
import { alarmSubscriptionsFor, type Stage, type StageConfig } from './stage-config';
import type { StatefulStack } from './stateful-stack';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  GATEWAY_PROBLEMS,
  type JobName,
  QUEUES,
  type QueueName,
  ROUTES,
  SCHEDULES,
  SERVICE,
  STREAM_CONSUMERS,
  settlementReportsBucketName,
  usagePlanName,
} from './topology';

function queueSpec(name: QueueName) {
  const spec = QUEUES.find((queue) => queue.name === name);
  if (!spec) throw new Error(`queue ${name} is not declared in lib/topology.ts`);
  return spec;
}

export interface ServiceStackProps extends StackProps {
  stage: Stage;
  config: StageConfig;
  stateful: StatefulStack;
  /** Where scripts/build-functions.ts left the bundles, one folder per function. */
  bundlesDirectory: string;
}

const METRICS_NAMESPACE = SERVICE.metricsNamespace;
/**
 * Our Powertools metrics' dimensions: the service, and the stage's voucher provider (every
 * function is told it as PSP_PROVIDER, functions/platform/powertools.ts sets it as a default
 * dimension), so a stage's graphs and alarms say whose payments they count.
 */
const metricDimensions = (provider: StageConfig['provider']) => ({
  service: SERVICE.name,
  provider,
});

/**
 * One JSON line per request: who (key id from the authorizer), what, the answer, and where time
 * and failures went — the authorizer's and the integration's own error, status and latency —
 * so a 401 or 5xx can be explained from the access log alone.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    method: '$context.httpMethod',
    resource: '$context.resourcePath',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    keyId: '$context.authorizer.keyId',
    authorizerStatus: '$context.authorizer.status',
    authorizerLatency: '$context.authorizer.latency',
    authorizerError: '$context.authorizer.error',
    integrationStatus: '$context.integration.status',
    integrationLatency: '$context.integration.latency',
    integrationError: '$context.integration.error',
    error: '$context.error.message',
    errorType: '$context.error.responseType',
    xrayTraceId: '$context.xrayTraceId',
  }),
);

const PROBLEM_TEMPLATE = (status: number, code: string, detail: string) => ({
  'application/json': JSON.stringify(problem(status, code, detail)),
});
/**
 * API Gateway's other 4xx (413 body too large, 415, …) keep their status, which a template cannot
 * read; so the body carries API Gateway's own message and no status member (RFC 9457 allows that).
 */
const DEFAULT_4XX_TEMPLATE = {
  'application/json': `{"type":"${problemType(GATEWAY_PROBLEMS.badRequest.code)}","title":"Error","code":"${GATEWAY_PROBLEMS.badRequest.code}","detail":$context.error.messageString}`,
};

/** Everything stateless: functions, the API, event sources and alarms — all built from lib/topology.ts. */
export class ServiceStack extends Stack {
  readonly functions = new Map<FunctionName, ServiceFunction>();
  readonly api: RestApi;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  compositeAlarm!: CompositeAlarm;
  private readonly stageName: Stage;
  readonly dashboard: Dashboard;
  private readonly metricDimensions: Record<string, string>;

  /** One of our Powertools metrics, summed per 5 minutes. */
  private appMetric(metricName: string): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: this.metricDimensions,
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stage, config, stateful } = props;
    this.stageName = stage;
    this.metricDimensions = metricDimensions(config.provider);

    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const fn = new ServiceFunction(this, name, {
        name,
        spec,
        stage,
        codeDirectory: join(props.bundlesDirectory, name),
        logRetention: config.logRetention,
        logLevel: config.logLevel,
      });
      // Every function: its metrics carry the provider (and the PSP functions pick their adapter by it).
      fn.function.addEnvironment('PSP_PROVIDER', config.provider);
      if (spec.table) fn.bindTable(stateful.table, spec.table);
      if (spec.rawNotifications)
        fn.bindRawNotifications(stateful.rawNotifications, config.rawWebhookRetentionDays);
      if (spec.psp)
        fn.bindPspSecret(
          stateful.pspSecret,
          stateful.pspSecretKey,
          config.pagoEfectivoBaseUrl,
          stateful.dlocalSecret
            ? { secret: stateful.dlocalSecret, baseUrl: config.dlocalBaseUrl }
            : undefined,
        );
      if (spec.sendsTo) fn.bindQueueSend(stateful.queue(spec.sendsTo).queue, queueSpec(spec.sendsTo).urlEnv);
      if (spec.publishesEvents) fn.bindEventBus(stateful.eventBus);
      if (spec.settlementReports)
        fn.bindSettlementReports(this.settlementReportsBucket, spec.settlementReports);
      if (spec.settlementReports || spec.settlementConfig)
        fn.function.addEnvironment('SETTLEMENT_CONFIG', JSON.stringify(config.settlement));
      if (spec.payoutSchedule)
        fn.function.addEnvironment('PAYOUT_SCHEDULE', JSON.stringify(config.payoutSchedule));
      if (spec.voucherPage)
        fn.function.addEnvironment(
          'VOUCHER_PAGE',
          JSON.stringify({
            marketplaceName: config.voucherPage.marketplaceName,
            whereToPayUrl: config.voucherPage.whereToPayUrl,
          }),
        );
      if (spec.reminders)
        fn.function.addEnvironment('REMINDER_LEAD_MINUTES', config.reminderLeadMinutes.join(','));
      if (spec.expiryGrace)
        fn.function.addEnvironment('EXPIRY_GRACE_SECONDS', String(config.expiryGrace.toSeconds()));
      if (spec.refundApproval)
        fn.function.addEnvironment('REFUND_APPROVAL_THRESHOLD', String(config.refundApprovalThreshold));
      this.functions.set(name, fn);
    }

    for (const spec of QUEUES) {
      // The consumer learns its own queue's URL too (webhook retries change message visibility).
      this.fn(spec.consumer).addEnvironment(spec.urlEnv, stateful.queue(spec.name).queue.queueUrl);
      this.fn(spec.consumer).addEventSource(
        new SqsEventSource(stateful.queue(spec.name).queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          maxConcurrency: spec.maxConcurrency,
        }),
      );
    }

    for (const spec of STREAM_CONSUMERS) {
      this.fn(spec.consumer).addEventSource(
        new DynamoEventSource(stateful.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: spec.batchSize,
          bisectBatchOnError: true,
          retryAttempts: spec.retryAttempts,
          reportBatchItemFailures: true,
          maxRecordAge: Duration.days(1),
          onFailure: new SqsDlq(stateful.streamFailureQueue),
          // Only new outbox items wake the dispatcher; order and index writes never do.
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual('INSERT'),
              dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(spec.entity) } } },
            }),
          ],
        }),
      );
    }

    this.buildSchedules(stage, config, stateful);
    this.buildReportUploads(stateful);
    this.api = this.buildApi(stage, config);
    // Voucher page links: the stage's own URL, built from the API's id and the stage's name as
    // literals — not from `api.url`, whose Stage reference would make the functions depend on the
    // deployment that depends on them (a cycle).
    const publicBaseUrl =
      config.voucherPage.publicBaseUrl ??
      `https://${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${stage}`;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      // dLocal is told our notification URL with every request: its functions need the base URL too.
      if (spec.publicBaseUrl || (spec.psp === 'api' && config.provider === 'dlocal'))
        this.fn(name).addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    }
    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      stage,
      subscriptions: alarmSubscriptionsFor(config, {
        alarmEmails: this.node.tryGetContext('alarmEmails'),
        alarmHttpsUrls: this.node.tryGetContext('alarmHttpsUrls'),
      }),
      requireSubscriber: stage === 'prod',
      removalPolicy: config.removalPolicy,
    }).topic;
    this.buildAlarms(stateful, config);
    this.dashboard = this.buildDashboard(stage, stateful);
    this.acknowledgeFindings();
  }

  /** Derived like the stateful stack names it: no cross-stack reference (see topology). */
  get settlementReportsBucket(): string {
    return settlementReportsBucketName(this.stageName, this.account, this.region);
  }

  fn(name: FunctionName) {
    const construct = this.functions.get(name);
    if (!construct) throw new Error(`function ${name} missing`);
    return construct.function;
  }

  /**
   * A report uploaded to the bucket (S3 → EventBridge, default bus) starts its reconciliation.
   * A run cut short by the timeout throws; Lambda's async retries resume it (same SHA-256, same
   * settlement); what still fails lands in the jobs DLQ, which is alarmed.
   */
  private buildReportUploads(stateful: StatefulStack): void {
    const reconcile = this.fn('reconcile-upload');
    reconcile.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(stateful.jobsDeadLetterQueue),
    });
    new Rule(this, 'settlement-report-uploaded', {
      description: 'A settlement report was uploaded: reconcile it',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.settlementReportsBucket] },
          object: { key: [{ prefix: 'incoming/' }] },
        },
      },
      // No DLQ on the rule itself: its queue policy would make the stateful stack reference this
      // one (a cycle). Delivery to Lambda is retried; failed runs reach the jobs DLQ (above).
      targets: [new LambdaFunctionTarget(reconcile, { retryAttempts: 4 })],
    });
  }

  /** The safety nets: EventBridge Scheduler invokes each job with retries and a DLQ. */
  private buildSchedules(stage: Stage, config: StageConfig, stateful: StatefulStack): void {
    const rates: Record<JobName, Duration> = {
      'sync-pending': config.syncPendingEvery,
      'expire-orders': config.expireOrdersEvery,
      'check-unsettled': config.checkUnsettledEvery,
      'create-payouts': config.createPayoutsEvery,
      'remind-expiring': config.remindExpiringEvery,
    };
    for (const spec of SCHEDULES) {
      // Scheduler invokes asynchronously: its retries only cover handing the event over. What
      // happens to a run that throws (or waits behind the previous run: reserved concurrency 1)
      // is Lambda's async config: no retries of our own, never older than one period, and every
      // such run recorded in the jobs DLQ, which is alarmed.
      this.fn(spec.function).configureAsyncInvoke({
        retryAttempts: 0,
        // Lambda keeps an async event at most 6 h.
        maxEventAge: Duration.seconds(Math.min(21_600, Math.max(60, rates[spec.name].toSeconds()))),
        onFailure: new SqsDestination(stateful.jobsDeadLetterQueue),
      });
      new Schedule(this, `${spec.name}-schedule`, {
        description: `${spec.name} (${stage})`,
        schedule: ScheduleExpression.rate(rates[spec.name]),
        target: new LambdaInvoke(this.fn(spec.function), {
          input: ScheduleTargetInput.fromObject({ job: spec.name }),
          retryAttempts: 2,
          // A run older than its own period is superseded by the next one.
          maxEventAge: Duration.seconds(Math.max(60, rates[spec.name].toSeconds())),
          deadLetterQueue: stateful.jobsDeadLetterQueue,
        }),
      });
    }
    // LambdaInvoke creates one scheduler role per target; it may invoke the function and its versions.
    const jobFunctionArns = SCHEDULES.map((spec) => {
      const cfn = this.fn(spec.function).node.defaultChild as CfnFunction;
      return `Resource::<${this.getLogicalId(cfn)}.Arn>:*`;
    });
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('SchedulerRoleForTarget')) continue;
      Validations.of(child).acknowledge(
        ...jobFunctionArns.map((finding) => ({
          id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
          reason:
            'EventBridge Scheduler role (made by LambdaInvoke) may invoke the job function and its versions only.',
        })),
      );
    }
  }

  private buildApi(stage: Stage, config: StageConfig): RestApi {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: config.logRetention });
    const api = new RestApi(this, 'Api', {
      restApiName: `pagoefectivo-marketplace-${stage}`,
      description: 'PagoEfectivo cash vouchers for marketplaces',
      cloudWatchRole: true,
      // Every body reaches the Lambdas base64-encoded, byte for byte: the PE-Signature is an HMAC
      // of the raw bytes, and a text pass-through could alter a latin-1 body before we verify it.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: stage,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: config.apiThrottle.rateLimit,
        throttlingBurstLimit: config.apiThrottle.burstLimit,
      },
      // The authorizer names each caller's API Gateway key (usageIdentifierKey); callers never send one.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
    });
    // API Gateway creates its execution log group on first write, with no retention; made here first.
    const executionLogs = new LogGroup(this, 'ApiExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stage}`,
      retention: config.logRetention,
    });
    // Before the stage exists, so API Gateway never creates it first (the create would then fail).
    api.deploymentStage.node.addDependency(executionLogs);
    // Per-client throttling: every key issued by `npm run api-key:create` joins this plan.
    api.addUsagePlan('ClientUsagePlan', {
      name: usagePlanName(stage),
      description: 'Per-API-key throttle for marketplace backends',
      throttle: config.clientThrottle,
      apiStages: [{ api, stage: api.deploymentStage }],
    });
    const authorizer = new RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: this.fn('authorizer'),
      identitySources: [IdentitySource.header('Authorization')],
      resultsCacheTtl: config.authorizerCacheTtl,
    });
    // API Gateway's own errors speak problem+json too, with the local API server's very bodies.
    const gatewayResponses = [
      ['Unauthorized', ResponseType.UNAUTHORIZED, GATEWAY_PROBLEMS.unauthorized],
      ['AccessDenied', ResponseType.ACCESS_DENIED, GATEWAY_PROBLEMS.unauthorized],
      ['InvalidApiKey', ResponseType.INVALID_API_KEY, GATEWAY_PROBLEMS.apiKeyNotEnabled],
      ['MissingAuthenticationToken', ResponseType.MISSING_AUTHENTICATION_TOKEN, GATEWAY_PROBLEMS.noSuchRoute],
      ['Default4xx', ResponseType.DEFAULT_4XX, GATEWAY_PROBLEMS.badRequest],
      ['Throttled', ResponseType.THROTTLED, GATEWAY_PROBLEMS.throttled],
      ['QuotaExceeded', ResponseType.QUOTA_EXCEEDED, GATEWAY_PROBLEMS.throttled],
      ['Default5xx', ResponseType.DEFAULT_5XX, GATEWAY_PROBLEMS.internalError],
    ] as const;
    for (const [id, type, spec] of gatewayResponses) {
      api.addGatewayResponse(id, {
        type,
        // The defaults keep API Gateway's own status (413, 415, …); only their body becomes problem+json.
        ...(type === ResponseType.DEFAULT_5XX || type === ResponseType.DEFAULT_4XX
          ? {}
          : { statusCode: String(spec.status) }),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          ...(spec.status === 429 ? { 'Retry-After': "'1'", 'Access-Control-Allow-Origin': "'*'" } : {}),
        },
        templates:
          type === ResponseType.DEFAULT_4XX
            ? DEFAULT_4XX_TEMPLATE
            : PROBLEM_TEMPLATE(spec.status, spec.code, spec.detail),
      });
    }

    for (const route of ROUTES) {
      const method = api.root.resourceForPath(route.path).addMethod(
        route.method,
        // No permission for the console's "Test" button: only the deployed stage may invoke.
        new LambdaIntegration(this.fn(route.function), { allowTestInvoke: false }),
        route.auth === 'apiKey'
          ? { authorizer, authorizationType: AuthorizationType.CUSTOM, apiKeyRequired: true }
          : {},
      );
      if (route.auth !== 'apiKey') {
        Validations.of(method).acknowledge(
          {
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason:
              route.auth === 'signature'
                ? 'PagoEfectivo cannot send our API key; the handler authenticates the PE-Signature HMAC before trusting anything.'
                : 'Public by design: the OpenAPI document, and the buyer-facing voucher page, its status and widget script (the unguessable token in the URL is the secret).',
          },
          { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'Public route (see APIG4).' },
        );
      }
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG2',
      reason:
        'Every input is validated in the Lambda with zod and answered with problem+json naming the field.',
    });
    new EdgeProtection(this, 'Edge', {
      stage,
      stageArn: api.deploymentStage.stageArn,
      publicRoutesPerIpPer5Min: config.edge.publicRoutesPerIpPer5Min,
      apiPerIpPer5Min: config.edge.apiPerIpPer5Min,
      ...(config.edge.pspSourceCidrs ? { pspSourceCidrs: config.edge.pspSourceCidrs } : {}),
    });
    return api;
  }

  private buildAlarms(stateful: StatefulStack, config: StageConfig): void {
    const action = new SnsAction(this.alarmTopic);
    /** Alarms that mean money is at risk page through one composite alarm, not one by one. */
    const moneyAtRisk: Alarm[] = [];
    const alarm = (
      id: string,
      props: ConstructorParameters<typeof Alarm>[2],
      options: { moneyAtRisk?: boolean } = {},
    ) => {
      const created = new Alarm(this, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...props });
      if (options.moneyAtRisk) moneyAtRisk.push(created);
      else created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };
    const money = { moneyAtRisk: true };

    for (const spec of QUEUES) {
      const { queue, deadLetterQueue } = stateful.queue(spec.name);
      alarm(
        `${spec.name}-dlq-not-empty`,
        {
          alarmDescription: `Messages in the ${spec.name} DLQ: inspect, fix, then npm run dlq:redrive.`,
          metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
        },
        // A notification we could not apply is a payment not on its order.
        spec.name === 'payment-notifications' ? money : {},
      );
      if (spec.backlogAlarmSeconds !== undefined) {
        alarm(
          `${spec.name}-backlog-old`,
          {
            alarmDescription: `The oldest ${spec.name} message waits over ${spec.backlogAlarmSeconds} s: the consumer is failing or throttled.`,
            metric: queue.metricApproximateAgeOfOldestMessage({
              period: Duration.minutes(1),
              statistic: 'Maximum',
            }),
            threshold: spec.backlogAlarmSeconds,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
          },
          money,
        );
      }
    }
    alarm(
      'jobs-dlq-not-empty',
      {
        alarmDescription:
          'A scheduled job run failed, or was dropped because the previous run was still going (see the message): the safety nets are not running.',
        metric: stateful.jobsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      },
      money,
    );
    alarm('stream-dispatch-failures', {
      alarmDescription:
        'Outbox batches the dispatcher gave up on: events did not reach the bus/webhooks. Replay them from GET /v1/events and redeliver.',
      metric: stateful.streamFailureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('dispatcher-lagging', {
      alarmDescription: 'The outbox dispatcher is more than 5 minutes behind the table stream.',
      metric: this.fn('dispatch-events').metric('IteratorAge', {
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 300_000,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    });
    alarm(
      'overdue-pending-backlog',
      {
        alarmDescription:
          'expire-orders keeps leaving due orders behind (PSP down or too many due): unpaid orders stay shippable-looking.',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'DueOrdersLeft',
          dimensionsMap: this.metricDimensions,
          statistic: 'Minimum',
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 10,
      },
      money,
    );
    alarm('webhook-signature-failures', {
      alarmDescription:
        'Notifications with a wrong PE-Signature: a forgery attempt or a secret mismatch with PagoEfectivo.',
      metric: this.appMetric('WebhookSignatureRejected'),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm(
      'payment-anomalies',
      {
        alarmDescription:
          'A payment changed no order (unknown CIP, mismatch, duplicate payment): see GET /v1/anomalies.',
        metric: this.appMetric('PaymentAnomaly'),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      },
      money,
    );
    alarm('refunds-overdue', {
      alarmDescription:
        'Refunds approved but not paid out for days (REFUND_OVERDUE_DAYS): GET /v1/refunds?status=APPROVED, transfer them and mark-paid.',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'RefundsOverdue',
        dimensionsMap: this.metricDimensions,
        statistic: 'Maximum',
        period: Duration.minutes(15),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('risk-flags', {
      alarmDescription:
        'Risk rules flagged orders (docs/risk.md): GET /v1/risk/reviews, and approve or reject each one; many at once may be an attack (see RiskBlocked).',
      metric: this.appMetric('RiskFlagged'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('webhook-delivery-crashes', {
      alarmDescription:
        'Outgoing webhook deliveries crashed in our code (not a marketplace endpoint failing, which is retried quietly).',
      metric: this.appMetric('WebhookDeliveryCrashed'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    if (config.notificationHeartbeatHours !== undefined) {
      alarm(
        'notifications-silent',
        {
          alarmDescription: `No PagoEfectivo notification accepted for ${config.notificationHeartbeatHours} h: check the notification URL at PagoEfectivo, the PE-Signature secret and WebhookRejected.`,
          metric: this.appMetric('WebhookAccepted').with({
            period: Duration.hours(config.notificationHeartbeatHours),
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // No data at all is the silence this alarm is for.
          treatMissingData: TreatMissingData.BREACHING,
        },
        money,
      );
    }
    alarm('api-5xx', {
      alarmDescription: 'The API answers 5xx (PSP outage or our fault).',
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    for (const [name, construct] of this.functions) {
      alarm(`${name}-errors`, {
        alarmDescription: `${name} invocations fail.`,
        metric: construct.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    const composite = new CompositeAlarm(this, 'money-at-risk', {
      compositeAlarmName: `pagoefectivo-${this.stageName}-money-at-risk`,
      alarmDescription:
        'Money is at risk: a payment not applied (notification DLQ or backlog, anomaly), the safety nets not running (jobs DLQ, due orders left) or the PSP silent. The alarm in ALARM state among its rules says which; docs/runbook.md says what to do.',
      alarmRule: AlarmRule.anyOf(
        ...moneyAtRisk.map((member) => AlarmRule.fromAlarm(member, AlarmState.ALARM)),
      ),
    });
    composite.addAlarmAction(action);
    this.compositeAlarm = composite;
  }

  /** One page for whoever is on call: money in, what needs a human, the API, queues, outbound. */
  private buildDashboard(stage: Stage, stateful: StatefulStack): Dashboard {
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6, leftYAxis: { min: 0 } });
    const notifications = stateful.queue('payment-notifications');
    const deliveries = stateful.queue('webhook-deliveries');
    const maximum = { period: Duration.minutes(1), statistic: 'Maximum' };
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `pagoefectivo-${stage}`,
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      graph('Orders and payments (per 5 min)', [
        this.appMetric('OrderCreated'),
        this.appMetric('PaymentApplied'),
        this.appMetric('PaymentAppliedLate'),
        this.appMetric('PaymentsRecoveredByPoll'),
        this.appMetric('OrdersExpired'),
        this.appMetric('ExpiryRemindersSent'),
      ]),
      graph('Needs a human (per 5 min)', [
        this.appMetric('PaymentAnomaly'),
        this.appMetric('WebhookSignatureRejected'),
        this.appMetric('OrphanCipNotDeleted'),
        this.appMetric('DueOrdersLeft').with({ statistic: 'Maximum' }),
      ]),
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [this.compositeAlarm, ...this.alarms],
        width: 8,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      graph('API requests and errors', [
        this.api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }),
        this.api.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
        this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      ]),
      graph('API latency (ms)', [
        this.api.metricLatency({ period: Duration.minutes(5), statistic: 'p50' }),
        this.api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
      ]),
      graph('PagoEfectivo notifications in', [
        this.appMetric('WebhookAccepted'),
        this.appMetric('WebhookRejected'),
        notifications.queue.metricApproximateAgeOfOldestMessage(maximum),
        notifications.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
      ]),
    );
    dashboard.addWidgets(
      graph('Events out (bus and webhooks)', [
        this.appMetric('EventPublished'),
        this.appMetric('WebhookDelivered'),
        this.appMetric('WebhookDeliveryFailed'),
        this.appMetric('WebhookDeliveryCrashed'),
      ]),
      graph('Refunds (per 5 min)', [
        this.appMetric('RefundRequested'),
        this.appMetric('RefundApproved'),
        this.appMetric('RefundPaidOut'),
        this.appMetric('RefundNotPaid'),
        this.appMetric('RefundsOverdue').with({ statistic: 'Maximum' }),
      ]),
      graph('Risk (per 5 min)', [this.appMetric('RiskFlagged'), this.appMetric('RiskBlocked')]),
      graph('Settlements and payouts (per 5 min)', [
        this.appMetric('SettlementImported'),
        this.appMetric('SettlementLinesUnmatched'),
        this.appMetric('PayoutRequested'),
        this.appMetric('PayoutApproved'),
        this.appMetric('PayoutPaidOut'),
        this.appMetric('PayoutNotPaid'),
      ]),
      graph('Outbound backlog', [
        deliveries.queue.metricApproximateNumberOfMessagesVisible(maximum),
        deliveries.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
        stateful.streamFailureQueue.metricApproximateNumberOfMessagesVisible(maximum),
      ]),
      graph('Dispatcher lag (ms behind the stream)', [
        this.fn('dispatch-events').metric('IteratorAge', maximum),
      ]),
    );
    return dashboard;
  }

  private acknowledgeFindings(): void {
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The AWS-managed role API Gateway needs to write its execution logs; nothing else.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG4',
        reason:
          'Callers are marketplace backends, not end users: a Lambda authorizer checks hashed, revocable API keys instead of a Cognito user pool.',
      },
    );
  }
}
