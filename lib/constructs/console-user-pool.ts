import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  StringAttribute,
  UserPool,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CONSOLE_GROUPS, PERSON_CLAIMS } from '#contract/people';
import type { Stage } from '../stage-config';
import { SERVICE } from '../topology';

/** The custom attribute an administrator sets on a seller's account (`custom:seller_id`). */
export const SELLER_ID_ATTRIBUTE = 'seller_id';

/**
 * Cognito's access tokens carry `sub`, `cognito:groups` and `client_id`, but not who the person
 * is: this V2 pre-token-generation trigger adds their name, e-mail and seller id, the claims the
 * authorizer maps (functions/platform/person-token.ts) — the same the local issuer puts in its
 * tokens. Inline: a dozen lines that need no bundle, no dependency and no table.
 */
const PRE_TOKEN_GENERATION = `
exports.handler = async (event) => {
  const attributes = event.request.userAttributes || {};
  const claims = {};
  if (attributes.email) claims.email = attributes.email;
  if (attributes.name) claims.name = attributes.name;
  if (attributes['custom:${SELLER_ID_ATTRIBUTE}']) claims['${PERSON_CLAIMS.sellerId}'] = attributes['custom:${SELLER_ID_ATTRIBUTE}'];
  event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: claims } } };
  return event;
};
`;

export interface ConsoleUserPoolProps {
  stage: Stage;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  logRetention: RetentionDays;
}

/**
 * The people who use the console (issue 31, decision 110): one Cognito user pool per stage, kept
 * with the other stateful resources (RETAIN and deletion protection where the stage says). No
 * self sign-up (an administrator invites each person), e-mail sign-in, MFA required (TOTP), and
 * the groups of lib/people.ts; a seller's account carries `custom:seller_id`, which nobody can
 * change for themselves (the app client cannot write it, lib/constructs/console-hosting.ts).
 */
export class ConsoleUserPool extends Construct {
  readonly userPool: UserPool;

  constructor(scope: Construct, id: string, props: ConsoleUserPoolProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'People', {
      userPoolName: `${SERVICE.name}-console-${props.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      customAttributes: {
        [SELLER_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Essentials: the plan where a V2 trigger may shape access tokens.
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    for (const group of CONSOLE_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, {
        groupName: group,
        description: `Console people in ${group} (lib/people.ts maps it onto the API's scopes)`,
      });
    }

    const logGroup = new LogGroup(this, 'PreTokenGenerationLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const trigger = new LambdaFunction(this, 'PreTokenGeneration', {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: Code.fromInline(PRE_TOKEN_GENERATION),
      memorySize: 128,
      timeout: Duration.seconds(5),
      logGroup,
      description: 'Adds name, e-mail and seller id to console access tokens',
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, trigger, LambdaVersion.V2_0);

    const plus =
      'Threat protection needs the Plus plan; the pool has no self sign-up, invited people only and MFA required for everyone. A stage may move to Plus when its risk calls for it.';
    Validations.of(this.userPool).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-COG3', reason: plus },
      { id: 'AwsSolutions::AwsSolutions-COG8', reason: plus },
    );
    Validations.of(trigger).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The token trigger writes its own logs and does nothing else.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'Node.js 24, the runtime every function of the stack uses.',
      },
    );
  }
}
