import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_GROUPS } from '#contract/people';
import { createProductApp } from '#lib/product-app';
import type { Stage } from '#lib/stage-config';
import { BUILD_DIR } from '../../scripts/build-functions';

/** The console in AWS (issue 31): Cognito per stage, the console on S3 + CloudFront, the authorizer told. */

const synthRoot = mkdtempSync(join(tmpdir(), 'cdk-console-'));
afterAll(() => rmSync(synthRoot, { recursive: true, force: true }));
const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<
  string,
  unknown
>;

function synth(stage: Stage) {
  const outdir = mkdtempSync(join(synthRoot, `${stage}-`));
  const product = createProductApp(
    stage,
    BUILD_DIR,
    new App({ outdir, context: { ...featureFlags, alarmEmails: 'oncall@example.pe' } }),
  );
  // cdk-nag (AwsSolutions) runs here: an unacknowledged finding throws.
  product.app.synth();
  return {
    outdir,
    service: Template.fromStack(product.service),
    stateful: Template.fromStack(product.stateful),
  };
}

const dev = synth('dev');
const prod = synth('prod');

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const only = (template: Template, type: string): Resource => {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found, type).toHaveLength(1);
  return found[0] as Resource;
};

describe('the console’s people (Cognito, stateful stack)', () => {
  it('is an invite-only pool with MFA, the console’s groups, kept in prod', () => {
    const pool = only(prod.stateful, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      UsernameAttributes: ['email'],
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(only(dev.stateful, 'AWS::Cognito::UserPool').DeletionPolicy).toBe('Delete');
    const groups = Object.values(prod.stateful.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => (group as Resource).Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...CONSOLE_GROUPS].sort());
    expect(JSON.stringify(pool.Properties.Schema)).toContain('"Name":"seller_id"');
  });

  it('puts name, e-mail and seller id in access tokens with a V2 pre-token-generation trigger', () => {
    const pool = only(prod.stateful, 'AWS::Cognito::UserPool');
    expect(pool.Properties.LambdaConfig).toMatchObject({
      PreTokenGenerationConfig: {
        LambdaVersion: 'V2_0',
        LambdaArn: { 'Fn::GetAtt': [expect.stringContaining('PreTokenGeneration'), 'Arn'] },
      },
    });
    const trigger = Object.values(prod.stateful.findResources('AWS::Lambda::Function')).find((fn) =>
      JSON.stringify((fn as Resource).Properties.Code).includes('claimsToAddOrOverride'),
    ) as Resource;
    const code = JSON.stringify(trigger.Properties.Code);
    expect(code).toContain('custom:seller_id');
    expect(code).toContain('accessTokenGeneration');
  });
});

describe('the console’s client and hosting (service stack)', () => {
  it('has a public app client: code + PKCE flow only, no secret, callback on the console’s origin, seller id not writable', () => {
    const client = only(prod.service, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'profile', 'email']),
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain('/console/callback');
    expect(client.Properties.WriteAttributes).not.toContain('custom:seller_id');
    expect(only(prod.service, 'AWS::Cognito::UserPoolDomain').Properties.Domain).toBeDefined();
  });

  it('serves the console from a private bucket through CloudFront (OAC), strict CSP, the API on the same origin', () => {
    const bucket = only(prod.service, 'AWS::S3::Bucket');
    // CDK's deployment function logs with the stage's retention like every function here.
    prod.service.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    only(prod.service, 'AWS::CloudFront::OriginAccessControl');
    const distribution = only(prod.service, 'AWS::CloudFront::Distribution').Properties
      .DistributionConfig as Record<string, unknown>;
    expect(JSON.stringify(distribution.Origins)).toContain('OriginAccessControlId');
    expect(distribution.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https' });
    expect(distribution.CacheBehaviors).toEqual([
      expect.objectContaining({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' }),
    ]);
    const policy = only(prod.service, 'AWS::CloudFront::ResponseHeadersPolicy').Properties
      .ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
    const csp = JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(policy.SecurityHeadersConfig.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(policy.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31536000,
    });
  });

  it('deploys the console build and a config.json naming the stage’s issuer and client', () => {
    const deployments = Object.values(
      prod.service.findResources('Custom::CDKBucketDeployment'),
    ) as Resource[];
    expect(deployments.map((deployment) => deployment.Properties.DestinationBucketKeyPrefix).sort()).toEqual([
      'console/',
      'console/assets/',
    ]);
    const shell = deployments.find(
      (deployment) => deployment.Properties.DestinationBucketKeyPrefix === 'console/',
    );
    // config.json: the issuer is the stateful stack's pool (read at deploy time), the client and
    // audience the app client, apiBase the distribution (the API is under the same origin).
    const markers = JSON.stringify(shell?.Properties.SourceMarkers);
    expect(markers).toMatch(/"OutputName":"PublishOutputRefConsoleUsersPeople/);
    expect(markers).toMatch(/"Ref":"ConsoleClient/);
    expect(markers).toMatch(/ConsoleDistribution[^"]*","DomainName"/);
  });

  it('deploys a shell that names its own icon (data:, which the CSP allows): the browser asks no /favicon.ico', () => {
    // CloudFront has no /favicon.ico to give (the bucket answers 403 for a key it lacks): the
    // browser asks for one on every load of a page that names no icon.
    const shell = (
      Object.values(prod.service.findResources('Custom::CDKBucketDeployment')) as Resource[]
    ).find((deployment) => deployment.Properties.DestinationBucketKeyPrefix === 'console/');
    const staged = [...JSON.stringify(shell?.Properties.SourceObjectKeys).matchAll(/([0-9a-f]{64})\.zip/g)]
      .map(([, hash]) => join(prod.outdir, `asset.${hash}`))
      .find((directory) => existsSync(join(directory, 'callback')));
    if (staged === undefined) throw new Error('the console shell is not among the staged assets');
    for (const page of ['index.html', 'callback']) {
      expect(readFileSync(join(staged, page), 'utf8'), page).toMatch(
        /<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,[^"]+" \/>/,
      );
    }
    const policy = only(prod.service, 'AWS::CloudFront::ResponseHeadersPolicy').Properties
      .ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: unknown } };
    // The policy is joined with the stage's region (Fn::Join): read as text.
    expect(JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy)).toMatch(
      /img-src [^;]*\bdata:/,
    );
  });

  it('tells the authorizer the pool, the client and the console’s usage key, which joins a usage plan', () => {
    const authorizer = Object.values(prod.service.findResources('AWS::Lambda::Function')).find(
      (fn) => (fn as Resource).Properties.Description === 'authorizer (prod)',
    ) as Resource;
    const env = (authorizer.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'CONSOLE_USER_POOL_ID',
        'CONSOLE_CLIENT_ID',
        'CONSOLE_AUDIENCE',
        'CONSOLE_USAGE_KEY',
      ]),
    );
    const key = only(prod.service, 'AWS::ApiGateway::ApiKey');
    expect(key.Properties.Value).toBe(env.CONSOLE_USAGE_KEY);
    expect(String(env.CONSOLE_USAGE_KEY).length).toBeGreaterThanOrEqual(20);
    prod.service.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyType: 'API_KEY' });
  });
});
