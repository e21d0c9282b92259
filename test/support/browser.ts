import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/**
 * Loads `url` and reports the `/favicon.ico` requests the browser made to any host (read from
 * Chromium's own network log: Playwright does not report the icon request) and the icon the page
 * names as the browser drew it: its `data:` URL's prefix, `no icon` or `not drawn` (a CSP refusal).
 */
export async function loadWatchingIcon(
  page: Page,
  url: string,
): Promise<{ faviconRequests: string[]; drawnIcon: unknown }> {
  const asked: string[] = [];
  const network = await page.context().newCDPSession(page);
  network.on('Network.requestWillBeSent', ({ request }) => asked.push(request.url));
  await network.send('Network.enable');
  // The browser asks for an icon once the page has loaded: networkidle waits that long.
  await page.goto(url, { waitUntil: 'networkidle' });
  const drawnIcon = await page.evaluate(`new Promise((resolve) => {
    const link = document.querySelector('link[rel~="icon"]');
    if (!link) return resolve('no icon');
    const image = new Image();
    image.onload = () => resolve(link.href.slice(0, link.href.indexOf(',') + 1));
    image.onerror = () => resolve('not drawn');
    image.src = link.href;
  })`);
  return {
    faviconRequests: asked.filter(
      (asked) => asked.startsWith('http') && new URL(asked).pathname === '/favicon.ico',
    ),
    drawnIcon,
  };
}
