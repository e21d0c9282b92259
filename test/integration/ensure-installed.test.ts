import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** A checkout of this project's package files and install step, with `npm` replaced by a recorder. */
function checkoutWithRecordingNpm(root: string): {
  checkout: string;
  env: NodeJS.ProcessEnv;
  npmCalls: string;
} {
  const checkout = join(root, 'checkout');
  const bin = join(root, 'bin');
  const npmCalls = join(root, 'npm-calls');
  mkdirSync(join(checkout, 'scripts'), { recursive: true });
  mkdirSync(bin);
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, join(checkout, file));
  copyFileSync('scripts/ensure-installed.mjs', join(checkout, 'scripts/ensure-installed.mjs'));
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> '${npmCalls}'\n`, { mode: 0o755 });
  return { checkout, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, npmCalls };
}

/** node_modules as `npm ci` leaves it: npm's hidden lockfile, and a folder per package it lists. */
function installedTree(checkout: string, change?: (packages: Record<string, { version?: string }>) => void) {
  const hidden = JSON.parse(readFileSync('node_modules/.package-lock.json', 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  for (const path of Object.keys(hidden.packages)) mkdirSync(join(checkout, path), { recursive: true });
  change?.(hidden.packages);
  writeFileSync(join(checkout, 'node_modules/.package-lock.json'), JSON.stringify(hidden));
}

describe('the install step before npm start and npm test', () => {
  it('installs nothing again where npm ci has just installed what the lock file names (outside test 6)', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-installed-'));
    try {
      const { checkout, env, npmCalls } = checkoutWithRecordingNpm(root);
      installedTree(checkout);
      const run = spawnSync(process.execPath, ['scripts/ensure-installed.mjs'], {
        cwd: checkout,
        env,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(npmCalls)).toBe(false);
      // Stamped: the next run does not even compare.
      expect(existsSync(join(checkout, 'node_modules/.installed-lock-hash'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('installs when a package differs from the lock file', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-installed-'));
    try {
      const { checkout, env, npmCalls } = checkoutWithRecordingNpm(root);
      installedTree(checkout, (packages) => {
        const zod = packages['node_modules/zod'];
        if (zod) zod.version = '0.0.1';
      });
      const run = spawnSync(process.execPath, ['scripts/ensure-installed.mjs'], {
        cwd: checkout,
        env,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(npmCalls, 'utf8')).toContain('ci');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('never runs npm ci through a node_modules symlinked to another checkout (it would empty that one)', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-installed-'));
    try {
      const checkout = join(root, 'worktree');
      const shared = join(root, 'other-checkout-node_modules');
      mkdirSync(join(checkout, 'scripts'), { recursive: true });
      mkdirSync(shared);
      writeFileSync(join(shared, 'left-alone'), '');
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, join(checkout, file));
      copyFileSync('scripts/ensure-installed.mjs', join(checkout, 'scripts/ensure-installed.mjs'));
      symlinkSync(shared, join(checkout, 'node_modules'));
      const run = spawnSync(process.execPath, ['scripts/ensure-installed.mjs'], {
        cwd: checkout,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('symlink');
      expect(existsSync(join(shared, 'left-alone'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
