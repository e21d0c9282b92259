import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (installed by scripts/ensure-installed.mjs for the test command), driven by
 * playwright-core: Playwright's own browser download cannot work on this machine, and is not needed.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: run npm test (it installs Debian's chromium) or set CHROMIUM_PATH.`,
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
}

/** Barcodes zbar (an independent decoder, Debian's zbar-tools) reads in a PNG: `TYPE:data` lines. */
export async function decodeBarcodes(pngPath: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('zbarimg', ['--quiet', pngPath]).catch(
    (error: { code?: number; stdout?: string }) =>
      // zbarimg exits 4 when it finds nothing: an empty answer, not a crash.
      error.code === 4 ? { stdout: '' } : Promise.reject(error),
  );
  return stdout.split('\n').filter((line) => line !== '');
}
