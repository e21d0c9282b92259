// Runs before `npm start` and `npm test` with plain Node (no dependencies needed): installs the
// npm dependencies when they are missing or older than package-lock.json, and Java 17 (for
// DynamoDB Local) when it is missing and this machine can install it (root + apt-get).
import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stampFile = 'node_modules/.installed-lock-hash';
const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const installed = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (installed !== lockHash) {
  console.log('Installing npm dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(stampFile, lockHash);
}

function javaMajor() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return 0;
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? Number(match[1]) : 0;
}

if (javaMajor() < 17) {
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (canApt) {
    console.log('Installing Java 17 for DynamoDB Local (apt-get install openjdk-17-jre-headless)…');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless',
      {
        stdio: 'inherit',
      },
    );
  } else {
    console.warn(
      'DynamoDB Local needs Java 17+. Install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; ' +
        'macOS: brew install openjdk@17), then run the command again.',
    );
  }
}
