import { App } from 'aws-cdk-lib';
import { createProductApp } from '#lib/product-app';
import { parseStage } from '#lib/stage-config';
import { buildConsole, writeConsole } from '../console/build';
import { BUILD_DIR, buildFunctions } from '../scripts/build-functions';

// `npx cdk synth -c stage=prod`: bundle the functions, then build that stage's two stacks.
const app = new App();
const stage = parseStage(app.node.tryGetContext('stage') ?? 'dev');
await buildFunctions();
// The console's files (.build/console), which the service stack deploys to its bucket.
writeConsole(await buildConsole());
createProductApp(stage, BUILD_DIR, app);
app.synth();
