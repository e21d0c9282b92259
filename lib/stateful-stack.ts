import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Stage, StageConfig } from './stage-config';
import {
  physicalName,
  QUEUES,
  type QueueName,
  RAW_NOTIFICATIONS_TABLE,
  settlementReportsBucketName,
  TABLE,
} from './topology';

export interface StatefulStackProps extends StackProps {
  stage: Stage;
  config: StageConfig;
}

export interface QueuePair {
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * What holds data: the single table, the queues with their DLQs, the PSP credentials.
 * Kept apart from the functions so a service deploy can never replace them, and RETAINed
 * (with deletion protection in prod) outside dev.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  /** PagoEfectivo's raw notification bodies (audit, TTL): only the ingest function writes here. */
  readonly rawNotifications: Table;
  readonly queues = new Map<QueueName, QueuePair>();
  readonly pspSecret: Secret;
  /** Encrypts pspSecret; the functions that read the secret are granted Decrypt through Secrets Manager only. */
  readonly pspSecretKey: Key;
  /** Seals the API's listing cursors ({"key"}; functions/platform/sealed-cursor.ts, decision 76). */
  readonly cursorKeySecret: Secret;
  /** dLocal's merchant credentials, in stages whose provider is dLocal (same key). */
  readonly dlocalSecret: Secret | undefined;
  /** Where EventBridge Scheduler puts job invocations it could not deliver after its retries. */
  readonly jobsDeadLetterQueue: Queue;
  /** The stage's bus for order events (detail-types order.*, payment.anomaly, webhook_endpoint.disabled). */
  readonly eventBus: EventBus;
  /** Where stream batches the dispatcher could not handle after its retries are recorded. */
  readonly streamFailureQueue: Queue;
  /**
   * Settlement reports too large for an API request, uploaded through presigned URLs under
   * `incoming/`. Object-created events go to EventBridge (a rule in the service stack starts the
   * reconciliation), so this stack never references a function: no cross-stack cycle.
   */
  readonly settlementReports: Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage, config } = props;

    this.table = new Table(this, 'Table', {
      tableName: physicalName('table', stage),
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The outbox: every transition writes its event item, and the stream carries it out.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }

    this.rawNotifications = new Table(this, RAW_NOTIFICATIONS_TABLE.id, {
      tableName: physicalName('raw-notifications', stage),
      partitionKey: { name: RAW_NOTIFICATIONS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: RAW_NOTIFICATIONS_TABLE.ttlAttribute,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    for (const spec of QUEUES) {
      const deadLetterQueue = new Queue(this, `${spec.name}-dlq`, {
        queueName: physicalName(`${spec.name}-dlq`, stage),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: config.removalPolicy,
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
        removalPolicy: config.removalPolicy,
      });
      this.queues.set(spec.name, { queue, deadLetterQueue });
    }

    this.jobsDeadLetterQueue = new Queue(this, 'jobs-dlq', {
      queueName: physicalName('jobs-dlq', stage),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.jobsDeadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the job schedules.',
    });

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: physicalName('events', stage) });
    // Every event the bus carries, replayable into it (e.g. to a rule a marketplace adds later).
    this.eventBus.archive('Archive', {
      archiveName: physicalName('events-archive', stage),
      description: `Every PagoEfectivo marketplace event (${stage})`,
      eventPattern: { source: ['pagoefectivo.marketplace'] },
      retention: Duration.days(config.eventArchiveDays),
    });
    this.streamFailureQueue = new Queue(this, 'stream-failures', {
      queueName: physicalName('stream-failures', stage),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.streamFailureQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the failure destination of the stream dispatcher (it holds batch pointers, like a DLQ).',
    });

    // Created with placeholder values: the operator writes the real merchant credentials once
    // (README: "Secrets to create"). Nothing secret ever appears in the template.
    // Its own key: only roles granted this secret (the PSP-calling functions) may decrypt it,
    // and every use is in CloudTrail under this key rather than the account-wide default.
    this.pspSecretKey = new Key(this, 'PagoEfectivoCredentialsKey', {
      description: `Encrypts the PagoEfectivo merchant credentials (${stage})`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    this.pspSecret = new Secret(this, 'PagoEfectivoCredentials', {
      secretName: `pagoefectivo/${stage}/merchant-credentials`,
      encryptionKey: this.pspSecretKey,
      description: 'PagoEfectivo merchant credentials: {"serviceId","accessKey","secretKey"}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ serviceId: '0000', accessKey: 'set-me' }),
        generateStringKey: 'secretKey',
      },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.pspSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'PagoEfectivo issues these credentials; they cannot be rotated by a Lambda. Rotation is a manual runbook step.',
    });

    // Generated at deploy (never in the template); read by the API functions only when a listing
    // cursor comes in or goes out. Its own value, not the PSP's: a cursor leak proves nothing about those.
    this.cursorKeySecret = new Secret(this, 'CursorKey', {
      secretName: `pagoefectivo/${stage}/cursor-key`,
      encryptionKey: this.pspSecretKey,
      description: 'Seals the API listing cursors for their caller: {"key"}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.cursorKeySecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotating it only ends the cursors clients hold (they start that listing again): a manual put-secret-value when wanted, no rotation Lambda.',
    });

    this.dlocalSecret =
      config.provider === 'dlocal'
        ? new Secret(this, 'DlocalCredentials', {
            secretName: `pagoefectivo/${stage}/dlocal-credentials`,
            encryptionKey: this.pspSecretKey,
            description: 'dLocal merchant credentials: {"login","transKey","secretKey"}',
            generateSecretString: {
              secretStringTemplate: JSON.stringify({ login: 'set-me', transKey: 'set-me' }),
              generateStringKey: 'secretKey',
            },
            removalPolicy: config.removalPolicy,
          })
        : undefined;
    if (this.dlocalSecret) {
      Validations.of(this.dlocalSecret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'dLocal issues these credentials; they cannot be rotated by a Lambda. Rotation is a manual runbook step.',
      });
    }

    this.settlementReports = new Bucket(this, 'SettlementReports', {
      bucketName: settlementReportsBucketName(stage, this.account, this.region),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: config.removalPolicy,
      // Reports are evidence for finance and audit: kept as long as the raw notifications.
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(config.rawWebhookRetentionDays, 30)),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    // Object-created events to EventBridge, set on the bucket itself: CDK's `eventBridgeEnabled`
    // would add a custom-resource Lambda to do what CloudFormation does natively.
    (this.settlementReports.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    Validations.of(this.settlementReports).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Objects arrive only through short-lived presigned URLs issued to authenticated API keys (logged by the API); each import is recorded as a settlement with its SHA-256 and importer.',
    });
  }

  queue(name: QueueName): QueuePair {
    const pair = this.queues.get(name);
    if (!pair) throw new Error(`queue ${name} is not declared in lib/topology.ts`);
    return pair;
  }
}
