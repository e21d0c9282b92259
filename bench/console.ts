import { loadavg } from 'node:os';
import { buildConsole, firstLoadGzipBytes } from '../console/build';
import type { LocalStack } from '../local/stack';
import { launchChromium } from '../test/support/browser';
import { fmt, median } from './stats';

/** Goals of issue 31: what a first visit transfers, and how soon Inicio is usable on a slow phone. */
const FIRST_LOAD_GOAL_BYTES = 150 * 1024;
const INTERACTIVE_GOAL_MS = 1500;
const CPU_SLOWDOWN = 4;
const LOADS = 5;

/**
 * The console: its first load (HTML + JS + CSS, gzipped, as CloudFront serves them), and cold
 * loads in Chromium with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), each in a fresh
 * context (nothing cached), from navigation start: until the sign-in screen is shown (no session),
 * and until Inicio shows its queues' counts (a session in the tab, the counts fetched from the local
 * stack's API). The load average is printed with them: on a shared machine it moves every figure.
 */
export async function benchConsole(stack: Pick<LocalStack, 'apiUrl'>, apiKey: string) {
  const files = await buildConsole();
  const firstLoad = firstLoadGzipBytes(files);
  const browser = await launchChromium();
  const url = `${stack.apiUrl}/console/`;
  const signIn: number[] = [];
  const inicio: number[] = [];
  const shell: number[] = [];
  let apiCalls = 0;
  try {
    for (let i = 0; i < LOADS + 1; i++) {
      for (const withSession of [false, true]) {
        const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
        if (withSession) {
          const session = JSON.stringify({
            accessToken: apiKey,
            expiresAt: Date.now() + 3_600_000,
            person: { sub: 'bench', name: 'Bench', groups: ['admin'] },
          });
          await page.addInitScript((value: string) => {
            (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.setItem(
              'console.session',
              value,
            );
          }, session);
        }
        let calls = 0;
        page.on('request', (request) => {
          if (request.url().includes('/v1/')) calls++;
        });
        await page.goto(url, { waitUntil: 'commit' });
        await page
          .locator(withSession ? '[data-queue]' : 'main.sign-in button')
          .first()
          .waitFor();
        // From navigation start to the console's own mark (set once the screen is usable), read in
        // the page: the bench's own round trips to Chromium are not counted.
        const mark = withSession ? 'console:inicio-ready' : 'console:sign-in-ready';
        const elapsed = (await page.evaluate(
          `performance.getEntriesByName(${JSON.stringify(mark)})[0]?.startTime ?? NaN`,
        )) as number;
        // The first round warms the local stack's handlers (their imports), not the browser.
        if (i > 0) (withSession ? inicio : signIn).push(elapsed);
        if (i > 0 && withSession) {
          shell.push(
            (await page.evaluate(
              `performance.getEntriesByName('console:shell-ready')[0]?.startTime ?? NaN`,
            )) as number,
          );
        }
        if (withSession) apiCalls = calls;
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(
    `\n## Console (/console, Chromium, CPU ${CPU_SLOWDOWN}× slower, cold context, ${LOADS} loads)\n`,
  );
  console.log('| measure | value | goal |');
  console.log('|---|---:|---:|');
  console.log(`| first load: HTML + JS + CSS gzipped, bytes | ${firstLoad} | ≤ ${FIRST_LOAD_GOAL_BYTES} |`);
  for (const file of files.filter((f) => f.path.startsWith('assets/'))) {
    console.log(`| … ${file.path.replace(/-[A-Z0-9]+\./, '.')} (raw bytes) | ${file.body.length} | |`);
  }
  console.log(
    `| to the sign-in screen, p50 / max ms | ${fmt(median(signIn))} / ${fmt(Math.max(...signIn))} | ≤ ${INTERACTIVE_GOAL_MS} |`,
  );
  console.log(
    `| signed in: to the menu answering clicks (Inicio's queues loading), p50 / max ms | ${fmt(median(shell))} / ${fmt(Math.max(...shell))} | ≤ ${INTERACTIVE_GOAL_MS} |`,
  );
  console.log(
    `| to Inicio with its counts (API included), p50 / max ms | ${fmt(median(inicio))} / ${fmt(Math.max(...inicio))} | ≤ ${INTERACTIVE_GOAL_MS} |`,
  );
  console.log(`| API requests behind Inicio's six queues | ${apiCalls} | ≤ 6 |`);
  console.log(`| machine load average (1 min) while measuring | ${fmt(loadavg()[0] ?? 0, 1)} | |`);
}

type Storage = { setItem(key: string, value: string): void };
