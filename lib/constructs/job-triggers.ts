import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaFunctionTarget } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { Stage, StageConfig } from '../stage-config';
import type { StatefulStack } from '../stateful-stack';
import { type FunctionName, type JobName, SCHEDULES } from '../topology';
import { StackPart } from './stack-part';

export interface JobTriggersProps {
  stage: Stage;
  config: StageConfig;
  stateful: StatefulStack;
  /** The settlement-report bucket's name, derived (no cross-stack reference, see topology). */
  reportsBucketName: string;
  fn: (name: FunctionName) => IFunction;
}

/**
 * What starts the functions nobody calls: the job schedules and the report-upload rule. A
 * StackPart: its resources keep the logical ids they had when the stack made them.
 */
export class JobTriggers extends StackPart {
  /** The rule that starts a report's reconciliation (its failed deliveries are alarmed). */
  readonly reportUploadRule: Rule;

  constructor(scope: Construct, id: string, props: JobTriggersProps) {
    super(scope, id);
    buildJobSchedules(this, props);
    this.reportUploadRule = buildReportUploadTrigger(this, props);
  }
}

/**
 * The safety nets: EventBridge Scheduler invokes each job of lib/topology.ts SCHEDULES at the
 * stage's rate, or — for the daily ones — at a Lima wall-clock time (a rate of a day would run at
 * whatever hour it was deployed), with retries and a DLQ.
 */
function buildJobSchedules(scope: Construct, props: JobTriggersProps): void {
  const { stage, config, stateful, fn } = props;
  const timing = jobTiming(config);
  const rates = Object.fromEntries(
    Object.entries(timing).map(([name, { period }]) => [name, period]),
  ) as Record<JobName, Duration>;
  for (const spec of SCHEDULES) {
    // Scheduler invokes asynchronously: its retries only cover handing the event over. What
    // happens to a run that throws (or waits behind the previous run: reserved concurrency 1)
    // is Lambda's async config: no retries of our own, never older than one period, and every
    // such run recorded in the jobs DLQ, which is alarmed.
    fn(spec.function).configureAsyncInvoke({
      retryAttempts: 0,
      // Lambda keeps an async event at most 6 h.
      maxEventAge: Duration.seconds(Math.min(21_600, Math.max(60, rates[spec.name].toSeconds()))),
      onFailure: new SqsDestination(stateful.jobsDeadLetterQueue),
    });
    new Schedule(scope, `${spec.name}-schedule`, {
      description: `${spec.name} (${stage})`,
      schedule: timing[spec.name].expression,
      target: new LambdaInvoke(fn(spec.function), {
        input: ScheduleTargetInput.fromObject({ job: spec.name }),
        retryAttempts: 2,
        // A run older than its own period is superseded by the next one.
        maxEventAge: Duration.seconds(Math.max(60, rates[spec.name].toSeconds())),
        deadLetterQueue: stateful.jobsDeadLetterQueue,
      }),
    });
  }
  // LambdaInvoke creates one scheduler role per target, in the stack's own scope; it may invoke
  // the function and its versions.
  const stack = Stack.of(scope);
  const jobFunctionArns = SCHEDULES.map((spec) => {
    const cfn = fn(spec.function).node.defaultChild as CfnFunction;
    return `Resource::<${stack.getLogicalId(cfn)}.Arn>:*`;
  });
  for (const child of stack.node.children) {
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

/** A Lima wall-clock time (EventBridge Scheduler runs daily jobs in America/Lima, not UTC). */
const lima = (at: { hour: number; minute: number }, hours = String(at.hour)) =>
  ScheduleExpression.cron({ minute: String(at.minute), hour: hours, timeZone: TimeZone.AMERICA_LIMA });

/** When a job runs: its schedule expression and period, and whether it runs around the clock. */
export interface JobTiming {
  expression: ScheduleExpression;
  /** How old a run may be before the next one supersedes it. */
  period: Duration;
  /** Invoked every period, day and night (a rate): its silence can be alarmed (ServiceMonitoring). */
  steady: boolean;
}

/**
 * Each job's timing in a stage: a rate, or — for the daily ones — a Lima wall-clock time (a rate of
 * a day would run at whatever hour it was deployed).
 */
export function jobTiming(config: StageConfig): Record<JobName, JobTiming> {
  return {
    'sync-pending': {
      expression: ScheduleExpression.rate(config.jobs.syncPendingEvery),
      steady: true,
      period: config.jobs.syncPendingEvery,
    },
    'expire-orders': {
      expression: ScheduleExpression.rate(config.jobs.expireOrdersEvery),
      steady: true,
      period: config.jobs.expireOrdersEvery,
    },
    // Once a day: its silence would need an alarm window longer than CloudWatch's one day.
    'check-unsettled': {
      expression: lima(config.jobs.checkUnsettledAt),
      period: Duration.days(1),
      steady: false,
    },
    // Hourly from the first run to 23:xx: a payout run cut short continues within the hour.
    'create-payouts': {
      expression: lima(config.jobs.createPayoutsAt, `${config.jobs.createPayoutsAt.hour}-23`),
      period: Duration.hours(1),
      // Not at night: no heartbeat.
      steady: false,
    },
    'remind-expiring': {
      expression: ScheduleExpression.rate(config.jobs.remindExpiringEvery),
      steady: true,
      period: config.jobs.remindExpiringEvery,
    },
    'ledger-integrity': {
      expression: ScheduleExpression.rate(config.jobs.ledgerIntegrityEvery),
      steady: true,
      period: config.jobs.ledgerIntegrityEvery,
    },
  };
}

/**
 * A report uploaded to the bucket (S3 → EventBridge, default bus) starts its reconciliation.
 * A run cut short by the timeout throws; Lambda's async retries resume it (same SHA-256, same
 * settlement); what still fails lands in the jobs DLQ, which is alarmed.
 */
function buildReportUploadTrigger(scope: Construct, props: JobTriggersProps): Rule {
  const { stateful, reportsBucketName, fn } = props;
  const reconcile = fn('reconcile-upload');
  reconcile.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new SqsDestination(stateful.jobsDeadLetterQueue),
  });
  return new Rule(scope, 'settlement-report-uploaded', {
    description: 'A settlement report was uploaded: reconcile it',
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: {
        bucket: { name: [reportsBucketName] },
        object: { key: [{ prefix: 'incoming/' }] },
      },
    },
    // No DLQ on the rule itself: its queue policy would make the stateful stack reference this
    // one (a cycle). Delivery to Lambda is retried; failed runs reach the jobs DLQ (above), and a
    // delivery that failed every retry is dropped by EventBridge: ServiceMonitoring alarms on the
    // rule's FailedInvocations.
    targets: [new LambdaFunctionTarget(reconcile, { retryAttempts: 4 })],
  });
}
