import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Alarm, CompositeAlarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ConsoleHosting } from './constructs/console-hosting';
import { JobTriggers } from './constructs/job-triggers';
import { ServiceMonitoring } from './constructs/service-alarms';
import { ServiceApi } from './constructs/service-api';
import { ServiceFunction } from './constructs/service-function';
import { PartedStack } from './constructs/stack-part';
import { stageEnvironment } from './function-environment';
import { alarmSubscriptionsFor, type Stage, type StageConfig } from './stage-config';
import type { StatefulStack } from './stateful-stack';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  QUEUES,
  STREAM_CONSUMERS,
  settlementReportsBucketName,
} from './topology';

/** Where console/build.ts writes the console (bin/app.ts and the infra tests build it first). */
const CONSOLE_BUILD = join(dirname(fileURLToPath(import.meta.url)), '..', '.build', 'console');

export interface ServiceStackProps extends StackProps {
  stage: Stage;
  config: StageConfig;
  stateful: StatefulStack;
  /** Where scripts/build-functions.ts left the bundles, one folder per function. */
  bundlesDirectory: string;
  /** Where console/build.ts left the console (default: the project's `.build/console`). */
  consoleDirectory?: string;
}

/** Everything stateless: functions, the API, event sources and alarms — all built from lib/topology.ts. */
export class ServiceStack extends PartedStack {
  readonly functions = new Map<FunctionName, ServiceFunction>();
  readonly api: RestApi;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[];
  readonly compositeAlarm: CompositeAlarm;
  private readonly stageName: Stage;
  readonly dashboard: Dashboard;
  readonly console: ConsoleHosting;

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
        logRetention: config.data.logRetention,
        logLevel: config.observability.logLevel,
        reservedConcurrency: config.jobs.reservedConcurrency,
        environment: stageEnvironment(name, spec, config),
      });
      fn.bindSpec({ stateful, config, settlementReportsBucket: this.settlementReportsBucket });
      this.functions.set(name, fn);
    }

    for (const spec of QUEUES) {
      // The consumer learns its own queue's URL too (webhook retries change message visibility).
      this.fn(spec.consumer).addEnvironment(spec.urlEnv, stateful.queue(spec.name).queue.queueUrl);
      const queue = stateful.queue(spec.name).queue;
      this.fn(spec.consumer).addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          maxConcurrency: spec.maxConcurrency,
        }),
      );
      // The mapping's id is made from the queue's path: kept as it was before the queues moved
      // into a StackPart, as a new mapping id would replace the mapping.
      this.keepIdsNamedAfter(queue, this.fn(spec.consumer));
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
      // A new stream mapping would read the stream again from its trim horizon: same id as before.
      this.keepIdsNamedAfter(stateful.table, this.fn(spec.consumer));
    }

    const fn = (name: FunctionName) => this.fn(name);
    const triggers = new JobTriggers(this, 'JobTriggers', {
      stage,
      config,
      stateful,
      reportsBucketName: this.settlementReportsBucket,
      fn,
    });
    this.api = new ServiceApi(this, 'ServiceApi', { stage, config, fn }).api;
    // Voucher page links: the stage's own URL, built from the API's id and the stage's name as
    // literals — not from `api.url`, whose Stage reference would make the functions depend on the
    // deployment that depends on them (a cycle).
    const publicBaseUrl =
      config.voucherPage.publicBaseUrl ??
      `https://${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${stage}`;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      // dLocal is told our notification URL with every request: its functions need the base URL too.
      if (spec.publicBaseUrl || (spec.psp === 'api' && config.psp.provider === 'dlocal'))
        this.fn(name).addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    }
    // The console (issue 31): files on S3 behind CloudFront, Cognito sign-in, the authorizer told.
    this.console = new ConsoleHosting(this, 'Console', {
      stage,
      settings: config.console,
      userPool: stateful.consoleUsers.userPool,
      api: this.api,
      authorizer: this.fn('authorizer'),
      consoleDirectory: props.consoleDirectory ?? CONSOLE_BUILD,
      clientThrottle: config.api.clientThrottle,
      removalPolicy: config.data.removalPolicy,
      logRetention: config.data.logRetention,
    });
    const monitoring = new ServiceMonitoring(this, 'Monitoring', {
      stage,
      config,
      stateful,
      api: this.api,
      reportUploadRule: triggers.reportUploadRule,
      functions: this.functions,
      fn,
      subscriptions: alarmSubscriptionsFor(config, {
        alarmEmails: this.node.tryGetContext('alarmEmails'),
        alarmHttpsUrls: this.node.tryGetContext('alarmHttpsUrls'),
      }),
    });
    this.alarmTopic = monitoring.topic;
    this.alarms = monitoring.alarms;
    this.compositeAlarm = monitoring.composite;
    this.dashboard = monitoring.dashboard;
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
