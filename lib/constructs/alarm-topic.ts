import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmSubscription } from '../stage-config';

export interface AlarmTopicProps {
  stage: string;
  subscriptions: AlarmSubscription[];
  /** Prod must page someone: synthesis fails without a subscriber. */
  requireSubscriber: boolean;
  removalPolicy: RemovalPolicy;
}

/**
 * Where alarms go, built so CloudWatch can actually publish: SNS encrypted with a customer-managed
 * key whose policy lets CloudWatch use it (the AWS-managed `aws/sns` key cannot: its policy is
 * fixed, so every alarm publish would fail), and a topic policy that allows CloudWatch next to
 * the TLS-only deny — both scoped to this account's alarms.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.requireSubscriber && props.subscriptions.length === 0) {
      throw new Error(
        `Stage ${props.stage} pages no one: add alarms.subscriptions in lib/stage-config.ts or synthesize with ` +
          '-c alarmEmails=oncall@example.pe (and/or -c alarmHttpsUrls=https://…).',
      );
    }
    const { account, region, partition } = Stack.of(this);
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    this.key = new Key(this, 'Key', {
      description: `Encrypts the PagoEfectivo marketplace alarm topic (${props.stage})`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayEncryptForTheTopic',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: `PagoEfectivo marketplace alarms (${props.stage})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    for (const subscription of props.subscriptions) {
      this.topic.addSubscription(
        subscription.protocol === 'email'
          ? new EmailSubscription(subscription.endpoint)
          : new UrlSubscription(subscription.endpoint),
      );
    }
  }
}
