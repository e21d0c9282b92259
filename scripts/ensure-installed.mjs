// Runs before `npm start` and `npm test` with plain Node (no dependencies needed): installs the
// npm dependencies when they are missing or older than package-lock.json, and Java 17 (for
// DynamoDB Local) when it is missing and this machine can install it (root + apt-get).
import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';

const stampFile = 'node_modules/.installed-lock-hash';
const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const installed = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
/**
 * Runs an install command, trying again after a pause when it fails: a registry answering 503
 * for a moment must not fail a whole CI run. Bounded: the last failure is thrown as it was.
 */
function installWithRetries(command, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      execSync(command, { stdio: 'inherit' });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      const waitSeconds = 10 * attempt;
      console.warn(`Install failed (attempt ${attempt} of ${attempts}); trying again in ${waitSeconds} s…`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitSeconds * 1000); // a synchronous pause
    }
  }
}

// `npm ci` empties node_modules first: through a symlink (a worktree sharing another checkout's
// install), that would empty the other checkout's too. Say so instead of installing.
const sharedInstall = existsSync('node_modules') && lstatSync('node_modules').isSymbolicLink();
if (installed !== lockHash && sharedInstall) {
  console.error(
    'node_modules is a symlink to another checkout, whose install this lock file does not match (or which has ' +
      "no install stamp). Not running npm ci: it would empty that checkout's node_modules. Replace the symlink " +
      'with an install of its own (rm node_modules && npm ci), or install in the other checkout.',
  );
  process.exit(1);
}
/**
 * Whether node_modules already holds exactly what package-lock.json names, as npm recorded it in
 * its hidden lockfile (node_modules/.package-lock.json, written by every npm install): a checkout
 * someone installed with `npm ci` themselves needs no second install, only the stamp. A package the
 * lock marks optional may be absent (another platform's binary); any other missing or different
 * package means install.
 */
function installedAsLocked() {
  try {
    const wanted = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages ?? {};
    const hidden = JSON.parse(readFileSync('node_modules/.package-lock.json', 'utf8')).packages ?? {};
    return Object.entries(wanted).every(([path, entry]) => {
      if (path === '' || !path.startsWith('node_modules/')) return true;
      const present = hidden[path];
      if (present === undefined) return entry.optional === true || entry.devOptional === true;
      return present.version === entry.version && existsSync(path);
    });
  } catch {
    return false;
  }
}

if (installed !== lockHash && !sharedInstall && installedAsLocked()) {
  writeFileSync(stampFile, lockHash);
} else if (installed !== lockHash) {
  console.log('Installing npm dependencies (npm ci)…');
  installWithRetries('npm ci --no-audit --no-fund');
  writeFileSync(stampFile, lockHash);
}

function javaMajor() {
  const result = spawnSync('java', ['-XX:-UsePerfData', '-version'], { encoding: 'utf8' });
  if (result.error) return 0;
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? Number(match[1]) : 0;
}

if (javaMajor() < 17) {
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (canApt) {
    console.log('Installing Java 17 for DynamoDB Local (apt-get install openjdk-17-jre-headless)…');
    installWithRetries(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless',
    );
  } else {
    console.warn(
      'DynamoDB Local needs Java 17+. Install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; ' +
        'macOS: brew install openjdk@17), then run the command again.',
    );
  }
}

// The test command also drives a real browser and decodes barcodes (test/e2e/serial/browser.test.ts):
// Debian's Chromium and zbar-tools. Playwright's own browser download cannot work offline, and
// is not used.
if (process.argv.includes('--browser')) {
  const missing = [
    ['chromium', 'chromium'],
    ['zbarimg', 'zbar-tools'],
  ].filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length > 0) {
    const packages = [...missing.map(([, pkg]) => pkg), 'fonts-dejavu-core'].join(' ');
    const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
    if (canApt) {
      console.log(`Installing ${packages} for the browser tests (apt-get)…`);
      installWithRetries(
        `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`,
      );
    } else {
      console.warn(
        `The browser tests need ${packages} (Debian/Ubuntu: sudo apt-get install ${packages}); ` +
          'or point CHROMIUM_PATH at a Chromium and put zbarimg on PATH.',
      );
    }
  }
}
