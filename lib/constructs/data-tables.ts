import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { Stage, StageConfig } from '../stage-config';
import { physicalName, RAW_NOTIFICATIONS_TABLE, TABLE } from '../topology';
import { StackPart } from './stack-part';

/** The single table (its stream is the outbox) and the raw-notification audit table. */
export class DataTables extends StackPart {
  readonly table: Table;
  /** PagoEfectivo's raw notification bodies (audit, TTL): only the ingest function writes here. */
  readonly rawNotifications: Table;

  constructor(scope: Construct, id: string, props: { stage: Stage; config: StageConfig }) {
    super(scope, id);
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
      deletionProtection: config.data.deletionProtection,
      removalPolicy: config.data.removalPolicy,
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
      deletionProtection: config.data.deletionProtection,
      removalPolicy: config.data.removalPolicy,
    });
  }
}
