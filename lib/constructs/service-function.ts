import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config';
import type { StatefulStack } from '../stateful-stack';
import { type FunctionName, type FunctionSpec, QUEUES, SERVICE, TABLE, type TableAccess } from '../topology';

export interface ServiceFunctionProps {
  name: FunctionName;
  spec: FunctionSpec;
  stage: string;
  /** Folder with the esbuild bundle (scripts/build-functions.ts). */
  codeDirectory: string;
  logRetention: RetentionDays;
  logLevel: string;
  environment?: Record<string, string>;
  /** The stage reserves concurrency (StageConfig.reservedConcurrency); off: spec's cap is not applied. */
  reservedConcurrency?: boolean;
}

/**
 * The one way a Lambda is made here: ARM64, current Node.js runtime, X-Ray tracing, its own log
 * group with the stage's retention, Powertools settings, source maps. Resources are bound with
 * `bind*`, which sets the env var the code reads AND the least-privilege grant, so neither can
 * be forgotten.
 */
export class ServiceFunction extends Construct {
  readonly function: LambdaFunction;
  private readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.function = new LambdaFunction(this, 'Function', {
      description: `${props.name} (${props.stage})`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: Code.fromAsset(props.codeDirectory),
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.spec.reservedConcurrency !== undefined && props.reservedConcurrency !== false
        ? { reservedConcurrentExecutions: props.spec.reservedConcurrency }
        : {}),
      // Bundles target the runtime's Node version; keep both in step (scripts/build-functions.ts).
      environment: {
        STAGE: props.stage,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE.name,
        POWERTOOLS_METRICS_NAMESPACE: SERVICE.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
    });
    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-managed policy that only lets the function write its own CloudWatch logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource but *.',
      },
    );
  }

  /**
   * Every resource the spec asks for, each with the env var the code reads and its grant (the
   * stage's settings come in `environment`, lib/function-environment.ts).
   */
  bindSpec(resources: {
    stateful: StatefulStack;
    config: StageConfig;
    settlementReportsBucket: string;
  }): this {
    const { spec } = this;
    const { stateful, config } = resources;
    if (spec.table) this.bindTable(stateful.table, spec.table);
    if (spec.cursors) this.bindCursorKey(stateful.cursorKeySecret, stateful.pspSecretKey);
    if (spec.rawNotifications)
      this.bindRawNotifications(stateful.rawNotifications, config.data.rawNotificationRetentionDays);
    if (spec.psp)
      this.bindPspSecret(
        stateful.pspSecret,
        stateful.pspSecretKey,
        config.psp.pagoEfectivoBaseUrl,
        stateful.dlocalSecret
          ? { secret: stateful.dlocalSecret, baseUrl: config.psp.dlocalBaseUrl }
          : undefined,
      );
    if (spec.wallet && stateful.culqiSecret)
      this.bindCulqiSecret(stateful.culqiSecret, stateful.pspSecretKey);
    if (spec.sendsTo) {
      const queue = QUEUES.find((candidate) => candidate.name === spec.sendsTo);
      if (!queue) throw new Error(`queue ${spec.sendsTo} is not declared in lib/topology.ts`);
      this.bindQueueSend(stateful.queue(queue.name).queue, queue.urlEnv);
    }
    if (spec.publishesEvents) this.bindEventBus(stateful.eventBus);
    if (spec.settlementReports)
      this.bindSettlementReports(resources.settlementReportsBucket, spec.settlementReports);
    return this;
  }

  /** Exactly the actions topology lists, on the table (and, for Query, its named indexes). */
  bindTable(table: ITable, access: TableAccess): this {
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    const onlyKeys = access.onlyKeys
      ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.onlyKeys] } } }
      : {};
    // Named indexes instead of CDK's `index/*`: a function can reach only what topology declares.
    const indexes = access.actions.includes('Query')
      ? TABLE.indexes.map((index) => `${table.tableArn}/index/${index.name}`)
      : [];
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: access.actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn, ...indexes],
        ...onlyKeys,
      }),
    );
    if (access.deletes?.length) {
      this.function.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.deletes] } },
        }),
      );
    }
    return this;
  }

  /** PutItem on the raw-notification audit table, nothing else: not even a read. */
  bindRawNotifications(table: ITable, retentionDays: number): this {
    this.function.addEnvironment('RAW_NOTIFICATION_TABLE_NAME', table.tableName);
    this.function.addEnvironment('RAW_NOTIFICATION_RETENTION_DAYS', String(retentionDays));
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
      }),
    );
    return this;
  }

  /**
   * The settlement-report bucket: `presign` may PutObject under `incoming/` (the presigned URLs it
   * hands out carry its rights), `read` may GetObject there. Nothing else in the bucket, no List.
   */
  bindSettlementReports(bucketName: string, mode: 'presign' | 'read'): this {
    this.function.addEnvironment('SETTLEMENT_BUCKET_NAME', bucketName);
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [mode === 'presign' ? 's3:PutObject' : 's3:GetObject'],
        resources: [`arn:${stack.partition}:s3:::${bucketName}/incoming/*`],
      }),
    );
    // cdk-nag shows pseudo parameters as <AWS::…>.
    const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
    const shown = bucketName
      .replace(stack.account, pseudo(stack.account, 'AccountId'))
      .replace(stack.region, pseudo(stack.region, 'Region'));
    Validations.of(this.function).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${pseudo(stack.partition, 'Partition')}:s3:::${shown}/incoming/*]`,
      reason: 'Report objects have random names under incoming/; the function may reach only those.',
    });
    return this;
  }

  bindQueueSend(queue: IQueue, variable: string): this {
    this.function.addEnvironment(variable, queue.queueUrl);
    queue.grantSendMessages(this.function);
    return this;
  }

  bindEventBus(bus: IEventBus): this {
    this.function.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this.function);
    return this;
  }

  /**
   * Reads the cursor key (an API function seals its listings' cursors with it): the secret, and
   * Decrypt on its key through Secrets Manager only — plain statements, as for the PSP secret.
   */
  bindCursorKey(secret: ISecret, key: IKey): this {
    return this.bindSecretArn('CURSOR_KEY_SECRET_ARN', secret, key);
  }

  /** `variable` = the secret's ARN; GetSecretValue on it, and Decrypt on its key only through Secrets Manager. */
  private bindSecretArn(variable: string, secret: ISecret, key: IKey): this {
    this.function.addEnvironment(variable, secret.secretArn);
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    return this.decryptThroughSecretsManager(key);
  }

  /** Reads Culqi's secret (the wallet functions on a Culqi stage), Decrypt only through Secrets Manager. */
  bindCulqiSecret(secret: ISecret, key: IKey): this {
    return this.bindSecretArn('CULQI_SECRET_ARN', secret, key);
  }

  /** Decrypt on a secret's key, and only when Secrets Manager asks for it on this function's behalf. */
  private decryptThroughSecretsManager(key: IKey): this {
    const { region } = Stack.of(this);
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    );
    return this;
  }

  /**
   * Reads the PSP credentials: the secret, and Decrypt on its key only when Secrets Manager asks
   * for it. Plain IAM statements (not `secret.grantRead`), because a grant would write this role
   * into the key's policy in the stateful stack, a reference back from it to this one.
   */
  bindPspSecret(
    secret: ISecret,
    key: IKey,
    baseUrl: string,
    dlocal?: { secret: ISecret; baseUrl: string },
  ): this {
    this.function.addEnvironment('PAGOEFECTIVO_SECRET_ARN', secret.secretArn);
    this.function.addEnvironment('PAGOEFECTIVO_BASE_URL', baseUrl);
    if (dlocal) {
      this.function.addEnvironment('DLOCAL_SECRET_ARN', dlocal.secret.secretArn);
      this.function.addEnvironment('DLOCAL_BASE_URL', dlocal.baseUrl);
    }
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn, ...(dlocal ? [dlocal.secret.secretArn] : [])],
      }),
    );
    return this.decryptThroughSecretsManager(key);
  }
}
