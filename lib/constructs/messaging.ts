import { Duration, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Stage, StageConfig } from '../stage-config';
import { physicalName, QUEUES, type QueueName } from '../topology';
import { StackPart } from './stack-part';

export interface QueuePair {
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * What carries work and events between functions: the topology's queues with their DLQs, the
 * jobs DLQ, the stream dispatcher's failure queue, and the stage's event bus with its archive.
 */
export class Messaging extends StackPart {
  readonly queues = new Map<QueueName, QueuePair>();
  /** Where EventBridge Scheduler puts job invocations it could not deliver after its retries. */
  readonly jobsDeadLetterQueue: Queue;
  /** The stage's bus for order events (detail-types order.*, payment.anomaly, webhook_endpoint.disabled). */
  readonly eventBus: EventBus;
  /** Where stream batches the dispatcher could not handle after its retries are recorded. */
  readonly streamFailureQueue: Queue;

  constructor(scope: Construct, id: string, props: { stage: Stage; config: StageConfig }) {
    super(scope, id);
    const { stage, config } = props;
    for (const spec of QUEUES) {
      const deadLetterQueue = new Queue(this, `${spec.name}-dlq`, {
        queueName: physicalName(`${spec.name}-dlq`, stage),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: config.data.removalPolicy,
      });
      Validations.of(deadLetterQueue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of its source queue.',
      });
      const queue = new Queue(this, spec.name, {
        queueName: physicalName(spec.name, stage),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
        removalPolicy: config.data.removalPolicy,
      });
      this.queues.set(spec.name, { queue, deadLetterQueue });
    }

    this.jobsDeadLetterQueue = new Queue(this, 'jobs-dlq', {
      queueName: physicalName('jobs-dlq', stage),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.data.removalPolicy,
    });
    Validations.of(this.jobsDeadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the job schedules.',
    });

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: physicalName('events', stage) });
    // Every event the bus carries, replayable into it (e.g. to a rule a marketplace adds later).
    const archive = this.eventBus.archive('Archive', {
      archiveName: physicalName('events-archive', stage),
      description: `Every PagoEfectivo marketplace event (${stage})`,
      eventPattern: { source: ['pagoefectivo.marketplace'] },
      retention: Duration.days(config.data.eventArchiveDays),
    });
    // Kept like the table and the queues (CloudFormation deletes by default): the archive is the
    // only replay source the bus's consumers have.
    this.eventBus.applyRemovalPolicy(config.data.removalPolicy);
    archive.applyRemovalPolicy(config.data.removalPolicy);
    this.streamFailureQueue = new Queue(this, 'stream-failures', {
      queueName: physicalName('stream-failures', stage),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.data.removalPolicy,
    });
    Validations.of(this.streamFailureQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the failure destination of the stream dispatcher (it holds batch pointers, like a DLQ).',
    });
  }

  queue(name: QueueName): QueuePair {
    const pair = this.queues.get(name);
    if (!pair) throw new Error(`queue ${name} is not declared in lib/topology.ts`);
    return pair;
  }
}
