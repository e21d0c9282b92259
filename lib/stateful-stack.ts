import type { StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ConsoleUserPool } from './constructs/console-user-pool';
import { Credentials } from './constructs/credentials';
import { DataTables } from './constructs/data-tables';
import { Messaging, type QueuePair } from './constructs/messaging';
import { SettlementReportsBucket } from './constructs/settlement-reports-bucket';
import { PartedStack } from './constructs/stack-part';
import type { Stage, StageConfig } from './stage-config';
import type { QueueName } from './topology';

export type { QueuePair } from './constructs/messaging';

export interface StatefulStackProps extends StackProps {
  stage: Stage;
  config: StageConfig;
}

/**
 * What holds data: the tables, the queues with their DLQs and the event bus, the credentials,
 * the settlement-report bucket — one construct each. Kept apart from the functions so a service
 * deploy can never replace them, and RETAINed (with deletion protection in prod) outside dev.
 * The constructs are StackParts: their resources keep the logical ids they had when this stack
 * made them itself (test/infra/logical-ids.test.ts).
 */
export class StatefulStack extends PartedStack {
  readonly tables: DataTables;
  readonly messaging: Messaging;
  readonly credentials: Credentials;
  readonly table: Table;
  /** PagoEfectivo's raw notification bodies (audit, TTL): only the ingest function writes here. */
  readonly rawNotifications: Table;
  readonly queues: ReadonlyMap<QueueName, QueuePair>;
  readonly pspSecret: Secret;
  /** Encrypts pspSecret; the functions that read the secret are granted Decrypt through Secrets Manager only. */
  readonly pspSecretKey: Key;
  /** Seals the API's listing cursors ({"key"}; functions/platform/sealed-cursor.ts, decision 76). */
  readonly cursorKeySecret: Secret;
  /** dLocal's merchant credentials, in stages whose provider is dLocal (same key). */
  readonly dlocalSecret: Secret | undefined;
  /** Culqi's secret key, in stages whose wallet provider is Culqi (same key). */
  readonly culqiSecret: Secret | undefined;
  /** Where EventBridge Scheduler puts job invocations it could not deliver after its retries. */
  readonly jobsDeadLetterQueue: Queue;
  /** The stage's bus for order events (detail-types order.*, payment.anomaly, webhook_endpoint.disabled). */
  readonly eventBus: EventBus;
  /** Where stream batches the dispatcher could not handle after its retries are recorded. */
  readonly streamFailureQueue: Queue;
  /** Settlement reports uploaded through presigned URLs (constructs/settlement-reports-bucket.ts). */
  readonly settlementReports: Bucket;
  /** The console's people (issue 31): a user pool, stateful like the table. */
  readonly consoleUsers: ConsoleUserPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const parts = { stage: props.stage, config: props.config };
    this.tables = new DataTables(this, 'Tables', parts);
    this.messaging = new Messaging(this, 'Messaging', parts);
    this.credentials = new Credentials(this, 'Credentials', parts);
    this.settlementReports = new SettlementReportsBucket(this, 'Reports', parts).bucket;
    ({ table: this.table, rawNotifications: this.rawNotifications } = this.tables);
    ({
      queues: this.queues,
      jobsDeadLetterQueue: this.jobsDeadLetterQueue,
      eventBus: this.eventBus,
      streamFailureQueue: this.streamFailureQueue,
    } = this.messaging);
    ({
      pspSecret: this.pspSecret,
      pspSecretKey: this.pspSecretKey,
      cursorKeySecret: this.cursorKeySecret,
      dlocalSecret: this.dlocalSecret,
      culqiSecret: this.culqiSecret,
    } = this.credentials);
    this.consoleUsers = new ConsoleUserPool(this, 'ConsoleUsers', {
      stage: props.stage,
      removalPolicy: props.config.data.removalPolicy,
      deletionProtection: props.config.data.deletionProtection,
      logRetention: props.config.data.logRetention,
    });
  }

  queue(name: QueueName): QueuePair {
    return this.messaging.queue(name);
  }
}
