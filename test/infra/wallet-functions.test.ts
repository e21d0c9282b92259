import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#lib/topology';
import { PROJECT_ROOT } from '../../scripts/build-functions';

/**
 * The modules through which a function reaches the wallet provider's credentials. A function whose
 * code reaches one of them needs `wallet: true` in lib/topology.ts — that flag is what gives it
 * CULQI_SECRET_ARN, WALLET_PROVIDER and read access to the Culqi secret in AWS. Without it the
 * wallet is silently "not configured" there (the local stack has every variable, so no e2e test
 * can notice): a cancellation could not cancel the wallet order, and a double payment's refund
 * could not reach Culqi's refund API.
 */
const WALLET_MODULES = ['functions/psp/wallets.ts', 'functions/psp/culqi/credentials.ts'];

/** Which functions' code imports a wallet module, read from esbuild's own import graph. */
async function functionsReachingTheWallet(): Promise<string[]> {
  const names = Object.keys(FUNCTIONS);
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: Object.fromEntries(
      names.map((name) => [name, FUNCTIONS[name as keyof typeof FUNCTIONS].entry]),
    ),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    // Only our own source matters here; packages are left out so the graph builds fast.
    packages: 'external',
    outdir: join(PROJECT_ROOT, '.build', 'wallet-graph'),
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs)
    .filter((output) => output.entryPoint !== undefined)
    .filter((output) => WALLET_MODULES.some((module) => module in output.inputs))
    .map((output) =>
      names.find((name) => FUNCTIONS[name as keyof typeof FUNCTIONS].entry === output.entryPoint),
    )
    .filter((name): name is string => name !== undefined)
    .sort();
}

describe('wallet credentials reach exactly the functions that call the wallet provider', () => {
  it('marks `wallet: true` every function whose code imports the wallet provider, and no other', async () => {
    const declared = Object.entries(FUNCTIONS)
      .filter(([, spec]) => spec.wallet === true)
      .map(([name]) => name)
      .sort();
    const reaching = await functionsReachingTheWallet();
    expect(reaching.length).toBeGreaterThan(0);
    expect(declared).toEqual(reaching);
  });
});
