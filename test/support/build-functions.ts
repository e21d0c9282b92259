import { buildFunctions } from '../../scripts/build-functions';

/** The infra tests synthesize the stacks from the real bundles, built once per run. */
export default async function setup() {
  await buildFunctions();
}
