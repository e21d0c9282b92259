import { join } from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Alarm, CompositeAlarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic';
import { buildJobSchedules, buildReportUploadTrigger } from './constructs/job-triggers';
import { buildAlarms, buildDashboard } from './constructs/service-alarms';
import { buildServiceApi } from './constructs/service-api';
import { ServiceFunction } from './constructs/service-function';
import { alarmSubscriptionsFor, type Stage, type StageConfig } from './stage-config';
import type { StatefulStack } from './stateful-stack';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  QUEUES,
  type QueueName,
  SCHEDULES,
  STREAM_CONSUMERS,
  settlementReportsBucketName,
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

/** Everything stateless: functions, the API, event sources and alarms — all built from lib/topology.ts. */
export class ServiceStack extends Stack {
  readonly functions = new Map<FunctionName, ServiceFunction>();
  readonly api: RestApi;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[];
  readonly compositeAlarm: CompositeAlarm;
  private readonly stageName: Stage;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stage, config, stateful } = props;
    this.stageName = stage;

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
        reservedConcurrency: config.reservedConcurrency,
      });
      // Without reserved concurrency a scheduled job's runs are kept apart by a lease item (decision 88).
      if (!config.reservedConcurrency && SCHEDULES.some((schedule) => schedule.function === name))
        fn.function.addEnvironment('JOB_LEASE', 'true');
      // Every function: its metrics carry the provider (and the PSP functions pick their adapter by it).
      fn.function.addEnvironment('PSP_PROVIDER', config.provider);
      if (config.traceAwsSdkCalls) fn.function.addEnvironment('TRACE_AWS_SDK_CALLS', 'true');
      if (spec.table) fn.bindTable(stateful.table, spec.table);
      if (spec.cursors) fn.bindCursorKey(stateful.cursorKeySecret, stateful.pspSecretKey);
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
      // Read by every PSP-calling bundle (both adapters are in it): the stage's, not config.ts's default.
      if (spec.psp === 'api') fn.function.addEnvironment('DLOCAL_BASE_URL', config.dlocalBaseUrl);
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
      if (spec.refundApproval) {
        fn.function.addEnvironment('REFUND_APPROVAL_THRESHOLD', String(config.refundApprovalThreshold));
        fn.function.addEnvironment(
          'REFUND_DAILY_APPROVAL_THRESHOLD',
          String(config.refundDailyApprovalThreshold),
        );
      }
      if (spec.riskRules) {
        fn.function.addEnvironment('RISK_RULES', JSON.stringify(config.riskRules));
        fn.function.addEnvironment('RISK_REVIEW_REQUIRED', String(config.riskReviewRequired));
      }
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

    const fn = (name: FunctionName) => this.fn(name);
    buildJobSchedules(this, { stage, config, stateful, fn });
    buildReportUploadTrigger(this, { stateful, reportsBucketName: this.settlementReportsBucket, fn });
    this.api = buildServiceApi(this, { stage, config, fn });
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
    const monitoring = { stage, config, stateful, api: this.api, functions: this.functions, fn };
    const { alarms, composite } = buildAlarms(this, { ...monitoring, topic: this.alarmTopic });
    this.alarms = alarms;
    this.compositeAlarm = composite;
    this.dashboard = buildDashboard(this, { ...monitoring, alarms, composite });
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
}
