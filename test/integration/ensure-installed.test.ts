import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the install step before npm start and npm test', () => {
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
