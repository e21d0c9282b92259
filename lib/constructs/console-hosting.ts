import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { ApiKey, type RestApi, UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  ClientAttributes,
  OAuthScope,
  type UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleCsp } from '../console-headers';
import type { ConsoleStageSettings, Stage } from '../stage-config';
import { SERVICE } from '../topology';

export interface ConsoleHostingProps {
  stage: Stage;
  settings: ConsoleStageSettings | undefined;
  userPool: UserPool;
  api: RestApi;
  /** The authorizer: it learns the pool, the app client and the console's usage key. */
  authorizer: IFunction;
  /** Where console/build.ts wrote the console (`.build/console/`). */
  consoleDirectory: string;
  clientThrottle: { rateLimit: number; burstLimit: number };
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
}

/** Serves the console's directories from S3 keys (`/console/` → `/console/index.html`). */
const VIEWER_REQUEST = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/console') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/console/' } } };
  }
  if (uri.endsWith('/')) request.uri = uri + 'index.html';
  else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) request.uri = uri + '/index.html';
  return request;
}`;

/**
 * The console in AWS (issue 31, decision 111): its files in a private S3 bucket behind CloudFront
 * (origin access control, strict CSP and security headers), the API under the same origin
 * (`/v1/*` → the stage's API Gateway: no CORS, and the redirect URI `<origin>/console/callback`
 * is the console's own), Cognito's hosted sign-in for the stage's user pool with a public app
 * client (authorization code + PKCE, no secret, nobody writes their own seller id), `config.json`
 * written per stage, and the authorizer told the pool and client.
 */
export class ConsoleHosting extends Construct {
  readonly distribution: Distribution;
  readonly client: UserPoolClient;
  readonly bucket: Bucket;
  readonly consoleUrl: string;
  readonly usageKeyValue: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!existsSync(join(props.consoleDirectory, 'index.html'))) {
      throw new Error(
        `No console build in ${props.consoleDirectory}: run \`npx tsx console/build.ts\` first (bin/app.ts does).`,
      );
    }
    const { settings } = props;
    if ((settings?.domainName === undefined) !== (settings?.certificateArn === undefined)) {
      throw new Error('console.domainName and console.certificateArn go together (lib/stage-config.ts)');
    }

    const signIn = new UserPoolDomain(this, 'SignInDomain', {
      userPool: props.userPool,
      cognitoDomain: {
        domainPrefix: settings?.authDomainPrefix ?? `${SERVICE.name}-console-${props.stage}-${stack.account}`,
      },
    });
    const signInOrigin = `https://${signIn.domainName}.auth.${stack.region}.amazoncognito.com`;
    const issuerOrigin = `https://cognito-idp.${stack.region}.${stack.urlSuffix}`;
    // The OIDC issuer (discovery under it); CloudFormation's ProviderURL lacks the scheme.
    const issuer = `${issuerOrigin}/${props.userPool.userPoolId}`;

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Build output only: a deploy writes it again.
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${SERVICE.name}-console-${props.stage}`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The console talks to itself (the API is same-origin here), Cognito's discovery and keys
          // (cognito-idp) and its hosted domain's token endpoint; nothing else, no inline script.
          contentSecurityPolicy: consoleCsp({ apiOrigin: signInOrigin, issuerOrigin }),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'x-robots-tag', value: 'noindex', override: true }],
      },
    });

    // API calls through CloudFront: never cached unless the API says so (1 s at most), keyed by
    // the caller (GET/HEAD forward Authorization only when it is in the cache key).
    const apiCache = new CachePolicy(this, 'ApiCache', {
      cachePolicyName: `${SERVICE.name}-console-api-${props.stage}`,
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      cookieBehavior: CacheCookieBehavior.none(),
    });
    const customDomain =
      settings?.domainName && settings.certificateArn
        ? {
            domainNames: [settings.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${SERVICE.name} console (${props.stage})`,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...customDomain,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'Paths', {
              code: FunctionCode.fromInline(VIEWER_REQUEST),
              runtime: FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(`${props.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
            originPath: `/${props.stage}`,
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    this.consoleUrl = settings?.domainName
      ? `https://${settings.domainName}`
      : `https://${this.distribution.distributionDomainName}`;

    this.client = new UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      userPoolClientName: `console-${props.stage}`,
      generateSecret: false,
      // Hosted sign-in only: no password or SRP flows straight against the pool from anywhere.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        callbackUrls: [`${this.consoleUrl}/console/callback`],
        logoutUrls: [`${this.consoleUrl}/console/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('seller_id'),
      // Nobody changes their own seller id (or becomes someone else's seller) through this client.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    // One log group for CDK's deployment function (shared by both deployments), with the stage's retention.
    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    new BucketDeployment(this, 'Assets', {
      logGroup: deployLogs,
      sources: [Source.asset(join(props.consoleDirectory, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/assets/',
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    new BucketDeployment(this, 'Shell', {
      logGroup: deployLogs,
      sources: [
        Source.asset(props.consoleDirectory, { exclude: ['assets', 'assets/**'] }),
        // The stage's settings for the console (console/build.ts leaves them out of the build).
        Source.jsonData('config.json', {
          issuer,
          clientId: this.client.userPoolClientId,
          audience: this.client.userPoolClientId,
          apiBase: this.consoleUrl,
          scope: 'openid profile email',
        }),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/',
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/console/*'],
    });

    // People share one usage-plan key (the authorizer names it for every person's call).
    this.usageKeyValue = `${SERVICE.name}-console-people-${props.stage}`;
    const usageKey = new ApiKey(this, 'UsageKey', {
      apiKeyName: `${SERVICE.name}-console-${props.stage}`,
      value: this.usageKeyValue,
      description: 'Not a credential (key source AUTHORIZER): the usage plan key people are throttled under',
    });
    new UsagePlan(this, 'UsagePlan', {
      name: `${SERVICE.name}-console-${props.stage}`,
      description: 'People using the console, together',
      throttle: props.clientThrottle,
      apiStages: [{ api: props.api, stage: props.api.deploymentStage }],
    }).addApiKey(usageKey);

    const authorizer = props.authorizer as LambdaFunction;
    authorizer.addEnvironment('CONSOLE_USER_POOL_ID', props.userPool.userPoolId);
    authorizer.addEnvironment('CONSOLE_CLIENT_ID', this.client.userPoolClientId);
    authorizer.addEnvironment('CONSOLE_AUDIENCE', this.client.userPoolClientId);
    authorizer.addEnvironment('CONSOLE_USAGE_KEY', this.usageKeyValue);

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Holds the console build only (public-by-design files, written by each deploy); reads are CloudFront’s.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason:
          'Back-office staff and sellers may travel; the sign-in and the API decide who gets in, not geography.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'API calls reach the API stage, whose own WAF web ACL applies; the rest is static build output.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR3',
        reason: 'Static files; every API call is logged by API Gateway’s access log with the caller.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront’s default certificate allows TLSv1 (not settable); a stage with console.domainName gets TLSv1.2_2021.',
      },
    );
    // CDK's BucketDeployment function (one per stack, beside this construct): it copies the
    // console build from the CDK assets bucket into the console bucket, and does nothing else.
    const deployer = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (deployer === undefined) throw new Error('BucketDeployment created no function');
    const filesArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>`;
    const copies =
      'CDK’s BucketDeployment function copies the console build from the CDK assets bucket into the console bucket';
    Validations.of(deployer).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${copies}; it logs with the basic role.`,
      },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: `${copies}; its runtime is chosen by aws-cdk-lib.` },
      ...[
        'Resource::*',
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*`,
        `Resource::${filesArn}/*`,
      ].map((finding) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason: `${copies}: CDK’s own grant on those two buckets' objects (and CloudFront invalidation, which takes no resource).`,
      })),
    );
  }
}
