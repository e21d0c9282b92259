import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
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
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { MetricName } from '#contract/metrics';
import type { AlarmSubscription, Stage, StageConfig } from '../stage-config';
import type { StatefulStack } from '../stateful-stack';
import { type FunctionName, QUEUES, SCHEDULES, SERVICE } from '../topology';
import { AlarmTopic } from './alarm-topic';
import { PSP_ROUTE_RULES, webAclName } from './edge-protection';
import { jobTiming } from './job-triggers';
import type { ServiceFunction } from './service-function';
import { StackPart } from './stack-part';

const METRICS_NAMESPACE = SERVICE.metricsNamespace;
/**
 * Our Powertools metrics' dimensions: the service, and the stage's voucher provider (every
 * function is told it as PSP_PROVIDER, functions/platform/powertools.ts sets it as a default
 * dimension), so a stage's graphs and alarms say whose payments they count.
 */
export const metricDimensions = (provider: StageConfig['psp']['provider']) => ({
  service: SERVICE.name,
  provider,
});

/**
 * 1 in a minute when a queue's visible count rose (a new message), else 0. A queue idle for 6 h
 * "sleeps" and publishes nothing until a message wakes it (SQS developer guide, "Monitoring Amazon
 * SQS queues using CloudWatch"): the gap is filled with 0, so the first message after a quiet spell
 * is a rise too — DIFF over the raw series has no earlier point for it and would never fire.
 */
function messagesArrived(visible: Metric): MathExpression {
  return new MathExpression({
    expression: 'IF(DIFF(FILL(visible, 0)) > 0, 1, 0)',
    usingMetrics: { visible },
    period: Duration.minutes(1),
    label: `${visible.metricName} rose`,
  });
}

/**
 * For the alarms on a DLQ's minute metrics: any one minute of the last 15 breaching. A queue woken
 * from sleep publishes its metrics up to 15 minutes late (SQS developer guide), so a one-minute
 * window could have moved past the minute its first message is counted in before the point lands.
 */
const LATE_QUEUE_DATA = { evaluationPeriods: 15, datapointsToAlarm: 1 } as const;

/**
 * One of our Powertools metrics, summed per 5 minutes, with the stage's dimensions. Only a name the
 * code emits (functions/contract/metrics.ts): the only way this file names a metric of ours.
 */
function appMetricIn(dimensions: Record<string, string>) {
  return (metricName: MetricName): Metric =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: dimensions,
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
}

interface MonitoringProps {
  stage: Stage;
  config: StageConfig;
  stateful: StatefulStack;
  api: RestApi;
  reportUploadRule: Rule;
  functions: ReadonlyMap<FunctionName, ServiceFunction>;
  fn: (name: FunctionName) => IFunction;
}

/**
 * Who gets paged and what they see: the alarm topic, every alarm (each paging the topic), the
 * money-at-risk composite and the dashboard. A StackPart: its resources keep the logical ids they
 * had when the stack made them.
 */
export class ServiceMonitoring extends StackPart {
  readonly topic: Topic;
  readonly alarms: Alarm[];
  readonly composite: CompositeAlarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps & { subscriptions: AlarmSubscription[] }) {
    super(scope, id);
    const { stage, config, subscriptions } = props;
    this.topic = new AlarmTopic(this, 'Alarms', {
      stage,
      subscriptions,
      requireSubscriber: stage === 'prod',
      removalPolicy: config.data.removalPolicy,
    }).topic;
    ({ alarms: this.alarms, composite: this.composite } = buildAlarms(this, { ...props, topic: this.topic }));
    this.dashboard = buildDashboard(this, { ...props, alarms: this.alarms, composite: this.composite });
  }
}

/**
 * Every alarm, each saying what to do and each paging the stage's alarm topic itself. CloudWatch
 * notifies on an alarm's own state change only: had the members no actions of their own, a
 * second incident while a first member is still in ALARM would change no composite state and page
 * no one. So every member pages, and they alarm on new occurrences (a message arriving in a DLQ,
 * not "visible > 0", which stays in ALARM for the DLQ's 14 days). The money-at-risk composite is
 * the dashboard's summary and pages nothing itself.
 */
function buildAlarms(
  scope: Construct,
  props: MonitoringProps & { topic: Topic },
): { alarms: Alarm[]; composite: CompositeAlarm } {
  const { stage, config, stateful, api, reportUploadRule, functions, fn, topic } = props;
  const dimensions = metricDimensions(config.psp.provider);
  const appMetric = appMetricIn(dimensions);
  const all: Alarm[] = [];
  const action = new SnsAction(topic);
  /** Alarms that mean money is at risk: the composite (the dashboard's summary) gathers them. */
  const moneyAtRisk: Alarm[] = [];
  const alarm = (
    id: string,
    props: ConstructorParameters<typeof Alarm>[2],
    options: { moneyAtRisk?: boolean; pages?: boolean } = {},
  ) => {
    // Named as docs/runbook.md names it: the page's subject is the runbook row to open.
    const created = new Alarm(scope, id, {
      alarmName: `pagoefectivo-${stage}-${id}`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...props,
    });
    if (options.moneyAtRisk) moneyAtRisk.push(created);
    // Paging only: a return to OK would be a second message for one incident.
    if (options.pages !== false) created.addAlarmAction(action);
    all.push(created);
    return created;
  };
  const money = { moneyAtRisk: true };

  for (const spec of QUEUES) {
    const { queue, deadLetterQueue } = stateful.queue(spec.name);
    alarm(
      `${spec.name}-dlq-not-empty`,
      {
        alarmDescription: `New messages in the ${spec.name} DLQ: inspect, fix, then npm run dlq:redrive.`,
        // SQS does not count a redrive into a DLQ in NumberOfMessagesSent; a rise of the visible
        // count is a new message (and the alarm is back to OK the next minute, ready for the next).
        metric: messagesArrived(
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
        ),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...LATE_QUEUE_DATA,
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
      // Lambda's and Scheduler's failure destinations send (SendMessage): each failed run counts.
      metric: stateful.jobsDeadLetterQueue.metricNumberOfMessagesSent({
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...LATE_QUEUE_DATA,
    },
    money,
  );
  alarm('stream-dispatch-failures', {
    alarmDescription:
      'Outbox batches the dispatcher gave up on: events did not reach the bus/webhooks. Replay them from GET /v1/events and redeliver.',
    // The stream's failure destination sends (SendMessage): each abandoned batch counts.
    metric: stateful.streamFailureQueue.metricNumberOfMessagesSent({
      period: Duration.minutes(1),
      statistic: 'Sum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    ...LATE_QUEUE_DATA,
  });
  alarm('dispatcher-lagging', {
    alarmDescription: 'The outbox dispatcher is more than 5 minutes behind the table stream.',
    metric: fn('dispatch-events').metric('IteratorAge', {
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
      metric: appMetric('DueOrdersLeft').with({ statistic: 'Minimum', period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 10,
    },
    money,
  );
  alarm(
    'final-check-failing',
    {
      alarmDescription: `Due orders have waited over ${config.alarms.finalCheckAfter.toMinutes()} min for their final check at the PSP (search failing): expire-orders keeps them pending rather than expire them unchecked. Check the PSP's health and the expire-orders logs (PSP search failed).`,
      metric: appMetric('FinalCheckFailingSeconds').with({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: config.alarms.finalCheckAfter.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    money,
  );
  alarm('notification-signature-failures', {
    alarmDescription:
      'PSP notifications with a wrong or missing signature: a forgery attempt or a secret mismatch with the provider.',
    metric: appMetric('NotificationSignatureRejected'),
    threshold: 5,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  // Below the rate above, a wrong secret (the random one a deploy starts with, or a rotation the
  // provider did not get) refuses every notification of a quiet merchant without ever reaching 5
  // in 5 minutes: an hour of rejections and no notification accepted is that, at any volume.
  alarm('notifications-all-rejected', {
    alarmDescription:
      'For an hour every PSP notification was refused for its signature and none accepted: the secret we verify with is not the provider\'s (docs/runbook.md, "notification-signature-failures").',
    metric: new MathExpression({
      expression: 'IF(FILL(rejected, 0) >= 1 AND FILL(accepted, 0) == 0, 1, 0)',
      usingMetrics: {
        rejected: appMetric('NotificationSignatureRejected').with({ period: Duration.hours(1) }),
        accepted: appMetric('NotificationAccepted').with({ period: Duration.hours(1) }),
      },
      period: Duration.hours(1),
      label: 'notifications refused, none accepted',
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  alarm(
    'payment-anomalies',
    {
      alarmDescription:
        'A payment changed no order (unknown CIP, mismatch, duplicate payment): see GET /v1/anomalies.',
      metric: appMetric('PaymentAnomaly'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    money,
  );
  // sync-pending retries a closure every run (every 5 minutes) and counts each run's failure:
  // failures in 3 of 4 five-minute periods (a run may fall late into the next) are a provider that
  // has not closed it for a quarter of an hour, not a blip the next run repairs (decision 99).
  alarm(
    'payment-option-not-closed',
    {
      alarmDescription:
        'A payment option another payment made redundant could not be closed at its provider for 15 minutes (CIP not deleted, wallet order not cancelled): the buyer can still pay it, a double payment. docs/runbook.md, "A payment option stays open".',
      metric: appMetric('PaymentOptionNotClosed'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 4,
      datapointsToAlarm: 3,
    },
    money,
  );
  alarm(
    'ledger-integrity-differences',
    {
      alarmDescription:
        'The daily ledger self-check found the journal and the stored totals disagreeing: GET /v1/ledger/integrity names the first difference (account, expected, actual); docs/runbook.md says what to do.',
      // Emitted once per completed pass (0 when all agree): the day's figure, not a rate.
      metric: appMetric('LedgerIntegrityDifferences').with({
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    money,
  );
  alarm('refunds-overdue', {
    alarmDescription:
      'Refunds approved but not paid out for days (REFUND_OVERDUE_DAYS): GET /v1/refunds?status=APPROVED, transfer them and mark-paid.',
    metric: appMetric('RefundsOverdue').with({ statistic: 'Maximum', period: Duration.minutes(15) }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  alarm('risk-flags', {
    alarmDescription:
      'Risk rules flagged orders (docs/risk.md): GET /v1/risk/reviews, and approve or reject each one; many at once may be an attack (see RiskBlocked).',
    metric: appMetric('RiskFlagged'),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  alarm('payout-day-incomplete', {
    alarmDescription:
      'A payout day ended with due sellers not yet proposed: the hourly create-payouts runs continue them the next day. Find why runs stopped early (create-payouts logs "run incomplete", its errors alarm) and review the late payouts.',
    metric: appMetric('PayoutDayIncomplete'),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  alarm('webhook-delivery-crashes', {
    alarmDescription:
      'Outgoing webhook deliveries crashed in our code (not a marketplace endpoint failing, which is retried quietly).',
    metric: appMetric('WebhookDeliveryCrashed'),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  // Not before the stage's PSP notifies at all (decision 83): a silence from deploy to go-live is
  // no incident, and would hold this alarm in ALARM for days.
  if (
    config.alarms.notificationHeartbeatHours !== undefined &&
    config.alarms.notificationHeartbeatArmed !== false
  ) {
    alarm(
      'notifications-silent',
      {
        alarmDescription: `No PagoEfectivo notification accepted for ${config.alarms.notificationHeartbeatHours} h: check the notification URL at PagoEfectivo, the PE-Signature secret, NotificationSignatureRejected and NotificationRejected.`,
        metric: appMetric('NotificationAccepted').with({
          period: Duration.hours(config.alarms.notificationHeartbeatHours),
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
  // A safety net that stops being invoked (a schedule disabled or deleted, its role broken by a
  // later change) emits nothing: its own alarms, all on metrics it emits, would read the silence as
  // fine. Each job invoked around the clock is alarmed on having no invocation for three periods.
  const timing = jobTiming(config);
  for (const spec of SCHEDULES) {
    const { period, steady } = timing[spec.name];
    if (!steady) continue;
    const alarmPeriod = Duration.seconds(Math.max(300, period.toSeconds()));
    alarm(
      `${spec.name}-not-running`,
      {
        alarmDescription: `${spec.name} has not been invoked for ${(3 * alarmPeriod.toSeconds()) / 60} min: its schedule is disabled, deleted or cannot invoke it (docs/runbook.md, "A job stopped running").`,
        metric: fn(spec.function).metricInvocations({ period: alarmPeriod, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        // No data at all is the silence this alarm is for.
        treatMissingData: TreatMissingData.BREACHING,
      },
      money,
    );
  }
  alarm(
    'settlement-upload-undelivered',
    {
      alarmDescription:
        "An uploaded settlement report's event could not be delivered to reconcile-upload after every retry (EventBridge dropped it): the report is not reconciled. Post it again (docs/runbook.md).",
      metric: new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: reportUploadRule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    money,
  );
  // Reserved concurrency guarantees the intake its units and caps it there; a throttle is a PSP's
  // notification answered 500 (retried by the PSP, but nobody is told the intake is saturated), or
  // every API request refused at the authorizer.
  for (const name of ['ingest-notification', 'authorizer'] as const) {
    alarm(`${name}-throttled`, {
      alarmDescription: `${name} invocations are throttled (API Gateway answers them 500): raise its reserved concurrency or the account's quota (docs/runbook.md, "api-5xx").`,
      metric: fn(name).metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
  // The PSP told no at our own edge: its notifications delayed until sync-pending polls, and no
  // 5xx for api-5xx to count. Only the edge's own rules on those routes can refuse them (the
  // managed groups do not inspect them): the flood guard, and the PSP address allowlist if set.
  alarm('psp-notifications-blocked-at-edge', {
    alarmDescription:
      'AWS WAF refused requests on the PSP notification routes (flood guard or address allowlist): if they are the PSP\'s, its payments are not reaching us (docs/runbook.md, "The PSP is refused at the edge").',
    metric: new MathExpression({
      expression: PSP_ROUTE_RULES.map((_, i) => `FILL(m${i}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(
        PSP_ROUTE_RULES.map((rule, i) => [
          `m${i}`,
          new Metric({
            namespace: 'AWS/WAFV2',
            metricName: 'BlockedRequests',
            dimensionsMap: { WebACL: webAclName(stage), Region: Stack.of(scope).region, Rule: rule },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
        ]),
      ),
      period: Duration.minutes(5),
      label: 'PSP route requests blocked by WAF',
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  alarm('api-5xx', {
    alarmDescription: 'The API answers 5xx (PSP outage or our fault).',
    metric: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 5,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  for (const [name, construct] of functions) {
    alarm(`${name}-errors`, {
      alarmDescription: `${name} invocations fail.`,
      metric: construct.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
  // The summary on the dashboard: no action of its own (each member pages for itself).
  const composite = new CompositeAlarm(scope, 'money-at-risk', {
    compositeAlarmName: `pagoefectivo-${stage}-money-at-risk`,
    alarmDescription:
      'Money is at risk: a payment not applied (notification DLQ or backlog, anomaly), the safety nets not running (jobs DLQ, due orders left), the ledger disagreeing with itself or the PSP silent. The alarm in ALARM state among its rules says which; docs/runbook.md says what to do. Each member pages on its own.',
    alarmRule: AlarmRule.anyOf(...moneyAtRisk.map((member) => AlarmRule.fromAlarm(member, AlarmState.ALARM))),
  });
  return { alarms: all, composite };
}

/** One page for whoever is on call: money in, what needs a human, the API, queues, outbound. */
function buildDashboard(
  scope: Construct,
  props: MonitoringProps & { alarms: Alarm[]; composite: CompositeAlarm },
): Dashboard {
  const { stage, config, stateful, api, fn, alarms, composite } = props;
  const appMetric = appMetricIn(metricDimensions(config.psp.provider));
  const graph = (title: string, left: IMetric[], width = 8) =>
    new GraphWidget({ title, left, width, height: 6, leftYAxis: { min: 0 } });
  const notifications = stateful.queue('payment-notifications');
  const deliveries = stateful.queue('webhook-deliveries');
  const maximum = { period: Duration.minutes(1), statistic: 'Maximum' };
  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: `pagoefectivo-${stage}`,
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(
    graph('Orders and payments (per 5 min)', [
      appMetric('OrderCreated'),
      appMetric('PaymentApplied'),
      appMetric('PaymentAppliedLate'),
      appMetric('PaymentsRecoveredByPoll'),
      appMetric('OrdersExpired'),
      appMetric('ExpiryRemindersSent'),
      appMetric('PaymentDatesConfirmed'),
      appMetric('WalletOptionUnavailable'),
    ]),
    graph('Needs a human (per 5 min)', [
      appMetric('PaymentAnomaly'),
      appMetric('InformationalAnomaly'),
      appMetric('NotificationSignatureRejected'),
      appMetric('OrphanCipNotDeleted'),
      appMetric('PaymentOptionNotClosed'),
      appMetric('OrphanWalletOrderNotCancelled'),
      appMetric('DueOrdersLeft').with({ statistic: 'Maximum' }),
      appMetric('FinalCheckFailingSeconds').with({ statistic: 'Maximum' }),
    ]),
    new AlarmStatusWidget({
      title: 'Alarms',
      alarms: [composite, ...alarms],
      width: 8,
      height: 6,
    }),
  );
  dashboard.addWidgets(
    graph('API requests and errors', [
      api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }),
      api.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
      api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    ]),
    graph('API latency (ms)', [
      api.metricLatency({ period: Duration.minutes(5), statistic: 'p50' }),
      api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
    ]),
    graph('PSP notifications in', [
      appMetric('NotificationAccepted'),
      appMetric('WalletNotificationAccepted'),
      appMetric('NotificationRejected'),
      notifications.queue.metricApproximateAgeOfOldestMessage(maximum),
      notifications.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
    ]),
  );
  dashboard.addWidgets(
    graph('Events out (bus and webhooks)', [
      appMetric('EventPublished'),
      appMetric('WebhookDelivered'),
      appMetric('WebhookDeliveryFailed'),
      appMetric('WebhookDeliveryCrashed'),
    ]),
    graph('Refunds (per 5 min)', [
      appMetric('RefundRequested'),
      appMetric('RefundApproved'),
      appMetric('RefundPaidOut'),
      appMetric('RefundNotPaid'),
      appMetric('RefundsOverdue').with({ statistic: 'Maximum' }),
      appMetric('LedgerIntegrityDifferences').with({ statistic: 'Maximum', period: Duration.hours(1) }),
    ]),
    graph('Risk (per 5 min)', [appMetric('RiskFlagged'), appMetric('RiskBlocked')]),
    graph('Settlements and payouts (per 5 min)', [
      appMetric('SettlementImported'),
      appMetric('SettlementLinesUnmatched'),
      appMetric('PayoutRequested'),
      appMetric('PayoutApproved'),
      appMetric('PayoutPaidOut'),
      appMetric('PayoutNotPaid'),
      appMetric('PayoutDayIncomplete'),
    ]),
    graph('Outbound backlog', [
      deliveries.queue.metricApproximateNumberOfMessagesVisible(maximum),
      deliveries.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
      stateful.streamFailureQueue.metricApproximateNumberOfMessagesVisible(maximum),
    ]),
    graph('Dispatcher lag (ms behind the stream)', [fn('dispatch-events').metric('IteratorAge', maximum)]),
  );
  return dashboard;
}
