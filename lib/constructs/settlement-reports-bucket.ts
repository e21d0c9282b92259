import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Stage, StageConfig } from '../stage-config';
import { settlementReportsBucketName } from '../topology';
import { StackPart } from './stack-part';

/**
 * Settlement reports too large for an API request, uploaded through presigned URLs under
 * `incoming/`. Object-created events go to EventBridge (a rule in the service stack starts the
 * reconciliation), so the stateful stack never references a function: no cross-stack cycle.
 */
export class SettlementReportsBucket extends StackPart {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { stage: Stage; config: StageConfig }) {
    super(scope, id);
    const { stage, config } = props;
    const { account, region } = Stack.of(this);
    this.bucket = new Bucket(this, 'SettlementReports', {
      bucketName: settlementReportsBucketName(stage, account, region),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: config.data.removalPolicy,
      // Reports are evidence for finance and audit: kept as long as the raw notifications.
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(config.data.rawNotificationRetentionDays, 30)),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    // Object-created events to EventBridge, set on the bucket itself: CDK's `eventBridgeEnabled`
    // would add a custom-resource Lambda to do what CloudFormation does natively.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Objects arrive only through short-lived presigned URLs issued to authenticated API keys (logged by the API); each import is recorded as a settlement with its SHA-256 and importer.',
    });
  }
}
