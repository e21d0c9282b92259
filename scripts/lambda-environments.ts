import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createProductApp } from '#lib/product-app';
import type { Stage } from '#lib/stage-config';
import { FUNCTIONS, type FunctionName } from '#lib/topology';
import { BUILD_DIR, PROJECT_ROOT } from './build-functions';

type Resource = { Properties: Record<string, unknown> };

/** A value of the right shape for a variable CloudFormation fills in at deploy time (a reference). */
function placeholder(name: string): string {
  if (name.endsWith('_URL')) return 'https://sqs.us-east-1.amazonaws.com/123456789012/placeholder';
  if (name.endsWith('_ARN')) return 'arn:aws:secretsmanager:us-east-1:123456789012:secret:placeholder';
  return 'placeholder';
}

/**
 * The environment each function runs with in a synthesized stage, as Lambda would hand it over:
 * the template's variables (references replaced by placeholders of their shape) and what Lambda
 * itself sets. The infra tests load every bundle with it; the bench measures cold starts with it,
 * so `NODE_OPTIONS` (source maps) and the variables a function's config parses count.
 */
export function lambdaEnvironments(service: Template): Map<FunctionName, Record<string, string>> {
  const environments = new Map<FunctionName, Record<string, string>>();
  for (const fn of Object.values(
    service.findResources('AWS::Lambda::Function') as Record<string, Resource>,
  )) {
    const name = String(fn.Properties.Description ?? '').replace(/ \([\w-]+\)$/, '');
    if (!(name in FUNCTIONS)) continue;
    const variables =
      (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    environments.set(name as FunctionName, {
      ...Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : placeholder(key),
        ]),
      ),
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: name,
    });
  }
  return environments;
}

/** `lambdaEnvironments` of a stage synthesized from the built bundles (without copying them). */
export function synthesizedEnvironments(stage: Stage): Map<FunctionName, Record<string, string>> {
  const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'))
    .context as Record<string, unknown>;
  const outdir = mkdtempSync(join(BUILD_DIR, '..', 'synth-'));
  try {
    const context = {
      ...featureFlags,
      // Prod refuses to synthesize without someone to page.
      alarmEmails: 'oncall@example.pe',
      'aws:cdk:disable-asset-staging': true,
    };
    const product = createProductApp(stage, BUILD_DIR, new App({ outdir, context }));
    return lambdaEnvironments(Template.fromStack(product.service));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
