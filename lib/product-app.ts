import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServiceStack } from './service-stack';
import { STAGE_CONFIG, type Stage, type StageConfig, withChanges } from './stage-config';
import { StatefulStack } from './stateful-stack';
import { PROVIDERS, SERVICE } from './topology';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

export interface ProductApp {
  app: App;
  stateful: StatefulStack;
  service: ServiceStack;
}

/**
 * One stateful and one service stack for a stage, checked by cdk-nag's AwsSolutions pack:
 * an unacknowledged finding fails synthesis.
 */
export function createProductApp(stage: Stage, bundlesDirectory: string, app: App = new App()): ProductApp {
  // Weak references (decision 89): the service stack reads the stateful stack's outputs with
  // Fn::GetStackOutput at each of its deploys, never an export, so no stateful change (a new stream
  // view, an output dropped, a resource replaced) can wedge on "Export … in use". A stage deployed
  // with strong references moves over with one deploy at `-c …=both` first (docs/runbook.md).
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined)
    app.node.setContext(CROSS_STACK_REFERENCES, 'weak');
  // `-c provider=dlocal` sells through dLocal without editing lib/stage-config.ts (docs/providers.md).
  const provider: unknown = app.node.tryGetContext('provider');
  const chosen = PROVIDERS.find((name) => name === provider);
  if (provider !== undefined && chosen === undefined) {
    throw new Error(`-c provider must be one of ${PROVIDERS.join(', ')}, not ${String(provider)}`);
  }
  // `-c traceAwsSdkCalls=true`: X-Ray subsegments per AWS SDK call in this deployment (decision 55).
  const traceContext: unknown = app.node.tryGetContext('traceAwsSdkCalls');
  // `-c notificationHeartbeatArmed=false`: before go-live, no heartbeat alarm (decision 83).
  const heartbeatContext: unknown = app.node.tryGetContext('notificationHeartbeatArmed');
  // `-c reservedConcurrency=false`: an account whose concurrency quota is still low (decision 88).
  const reservedContext: unknown = app.node.tryGetContext('reservedConcurrency');
  const config: StageConfig = withChanges(STAGE_CONFIG[stage], {
    psp: chosen === undefined ? {} : { provider: chosen },
    observability: traceContext === undefined ? {} : { traceAwsSdkCalls: String(traceContext) === 'true' },
    alarms:
      heartbeatContext === undefined
        ? {}
        : { notificationHeartbeatArmed: String(heartbeatContext) !== 'false' },
    jobs: reservedContext === undefined ? {} : { reservedConcurrency: String(reservedContext) !== 'false' },
  });
  // The stage's own region and account (lib/stage-config.ts, or -c account=…), never the shell's default.
  const account = config.deployment.account ?? app.node.tryGetContext('account');
  const env = { region: config.deployment.region, ...(typeof account === 'string' ? { account } : {}) };
  const stateful = new StatefulStack(app, `PagoEfectivo-${stage}-Stateful`, { stage, config, env });
  const service = new ServiceStack(app, `PagoEfectivo-${stage}-Service`, {
    stage,
    config,
    stateful,
    bundlesDirectory,
    env,
  });
  service.addStackDependency(stateful);
  // Not on the dashboard: CloudFormation's resource schema for AWS::CloudWatch::Dashboard lacks
  // `Tags` in some regions (cfn-lint E3002 for us-east-1), and a deploy must not hinge on that.
  const untaggable = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
  Tags.of(app).add('project', SERVICE.name, untaggable);
  Tags.of(app).add('stage', stage, untaggable);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, service };
}
