import { buildConsole, writeConsole } from '../../console/build';
import { buildFunctions } from '../../scripts/build-functions';

/** The infra tests synthesize the stacks from the real bundles (and console build), built once per run. */
export default async function setup() {
  await buildFunctions();
  // The service stack deploys the console build (lib/constructs/console-hosting.ts).
  writeConsole(await buildConsole());
}
