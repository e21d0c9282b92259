import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox, stack } from '../../support/api';
import { decodeBarcodes, launchChromium, loadWatchingIcon } from '../../support/browser';

/** Screenshots land here (git-ignored); docs/screenshots holds the committed copies. */
const SHOTS = join(process.cwd(), '.build', 'screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;

/** The one browser API the Node-typed callbacks below use. */
interface Browserish {
  getComputedStyle(node: unknown): { fontSize: string; fontWeight: string };
}

async function createOrder(overrides: Parameters<typeof orderRequest>[0] = {}): Promise<Order> {
  const created = await api<Order>('POST', '/v1/orders', { body: orderRequest(overrides) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function paid(order: Order): Promise<void> {
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  await eventually(async () => {
    const current = await api<Order>('GET', `/v1/orders/${order.id}`);
    return current.body.status === 'PAID' ? true : undefined;
  });
}

/** Every CSP violation or script error the page reports. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return problems;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the voucher page in a real browser (Chromium)', () => {
  it('shows a barcode an independent decoder reads as the CIP, at phone and desktop widths', async () => {
    // Cash only: the whole-page decode below must find the barcode alone (a wallet's QR would be read too).
    const order = await createOrder({ concept: 'Zapatillas de running talla 42', paymentMethods: ['cash'] });
    for (const width of [360, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      const problems = watchProblems(page);
      await page.goto(order.voucher.displayUrl ?? '');
      await expect.poll(() => page.locator('[data-countdown]').first().textContent()).toMatch(/^Vence en /);
      await page.screenshot({ path: join(SHOTS, `voucher-${width}.png`), fullPage: true });
      const barcode = join(SHOTS, `barcode-${width}.png`);
      await page.locator('.barcode svg').screenshot({ path: barcode });
      expect(await decodeBarcodes(barcode)).toEqual([`CODE-128:${order.voucher.cip}`]);
      // The whole page too, as a buyer's phone camera would see it.
      expect(await decodeBarcodes(join(SHOTS, `voucher-${width}.png`))).toEqual([
        `CODE-128:${order.voucher.cip}`,
      ]);
      // The page's own script ran under its CSP: no violation, no error.
      expect(problems).toEqual([]);
      // Nothing overflows a phone's width.
      const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
      expect(overflow).toBe(false);
      await page.close();
    }
  });

  it('turns "Pagado" without a reload after a sandbox payment, and hides the code', async () => {
    const order = await createOrder();
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    const problems = watchProblems(page);
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    await page.goto(order.voucher.displayUrl ?? '');
    expect(await page.locator('[data-status-label]').textContent()).toBe('Pendiente de pago');
    navigations = 0;
    await paid(order);
    const appliedAt = Date.now();
    await page.waitForFunction(
      // A function, not a string: the page's CSP (no 'unsafe-eval') refuses string predicates.
      () =>
        (
          globalThis as unknown as { document: { querySelector(selector: string): { textContent: string } } }
        ).document.querySelector('[data-status-label]').textContent === 'Pagado',
      undefined,
      { timeout: 10_000 },
    );
    expect(Date.now() - appliedAt).toBeLessThan(10_000);
    expect(navigations).toBe(0);
    expect(await page.locator('.barcode').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'voucher-paid-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks no host for /favicon.ico: its icon is in the page, drawn under its own CSP', async () => {
    const order = await createOrder();
    const page = await browser.newPage();
    const problems = watchProblems(page);
    const { faviconRequests, drawnIcon } = await loadWatchingIcon(page, order.voucher.displayUrl ?? '');
    expect(faviconRequests).toEqual([]);
    expect(drawnIcon).toBe('data:image/svg+xml,');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows amount, CIP and deadline with JavaScript off', async () => {
    const order = await createOrder();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(order.voucher.displayUrl ?? '');
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered visible is the point here.
    const text = await page.locator('main').innerText();
    expect(text).toContain('S/ 150.00');
    expect(text).toContain(order.voucher.cip);
    expect(text).toMatch(/Paga antes del /);
    await context.close();
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const order = await createOrder();
    // axe is injected as a script, which the page's CSP rightly refuses: this context bypasses it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 } });
    for (const url of [order.voucher.displayUrl ?? '', `${stack().apiUrl}/v/not-a-token`]) {
      const page = await context.newPage();
      await page.goto(url);
      await page.addScriptTag({ content: AXE_SOURCE });
      // Browser code as a string: this project's TypeScript has no DOM types (it runs on Node).
      const violations =
        (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
        result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length })))`)) as {
          id: string;
          impact: string;
        }[];
      expect(violations.filter((violation) => ['serious', 'critical'].includes(violation.impact))).toEqual(
        [],
      );
      await page.close();
    }
    await context.close();
  });
});

describe('the <pe-voucher> widget in a marketplace page', () => {
  let host: Server;
  let hostUrl = '';

  beforeAll(async () => {
    host = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const token = url.searchParams.get('token') ?? '';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // A host page with aggressive global CSS: none of it may reach the widget, nor the widget's it.
      response.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Checkout</title>
<style>* { color: rgb(255, 0, 0) !important; font-size: 9px !important } .amount { letter-spacing: 3px }</style>
</head><body><h1>Gracias por tu compra</h1><p class="amount" id="host-amount">host</p>
<pe-voucher token="${token}"></pe-voucher>
<script>window.voucherEvents = [];
for (const type of ['pe-voucher:paid', 'pe-voucher:expired', 'pe-voucher:error'])
  document.addEventListener(type, (event) => window.voucherEvents.push({ type, status: event.detail.status }));
</script>
<script src="${stack().apiUrl}/sdk/voucher.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/checkout`;
  });
  afterAll(async () => {
    await new Promise((resolve) => host?.close(resolve));
  });

  it('renders the voucher in a shadow root, cross-origin, and fires pe-voucher:paid', async () => {
    const order = await createOrder();
    const token = (order.voucher.displayUrl ?? '').split('/').pop() ?? '';
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${hostUrl}?token=${token}`);
    const cip = page.locator('pe-voucher .cip');
    await expect.poll(() => cip.textContent()).toBe(order.voucher.cip);
    // Styles stay on their side of the shadow boundary: the host's `*` rule (and its 9px root, which
    // `rem` would follow) does not size the widget.
    const inside = await page
      .locator('pe-voucher .amount')
      .first()
      .evaluate((node) => (globalThis as unknown as Browserish).getComputedStyle(node).fontSize);
    expect(inside).toBe('24px');
    const hostAmount = await page
      .locator('#host-amount')
      .evaluate((node) => (globalThis as unknown as Browserish).getComputedStyle(node).fontWeight);
    expect(hostAmount).toBe('400');
    const barcode = join(SHOTS, 'widget-barcode.png');
    await page.locator('pe-voucher .barcode svg').screenshot({ path: barcode });
    expect(await decodeBarcodes(barcode)).toEqual([`CODE-128:${order.voucher.cip}`]);
    await page.screenshot({ path: join(SHOTS, 'widget-390.png'), fullPage: true });

    await paid(order);
    await page.waitForFunction('window.voucherEvents.length > 0', undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.voucherEvents')).toEqual([
      { type: 'pe-voucher:paid', status: 'PAID' },
    ]);
    expect(await page.locator('pe-voucher .badge').textContent()).toBe('Pagado');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fires pe-voucher:expired for a code that has expired', async () => {
    const order = await createOrder({ expiresInMinutes: 10 });
    const token = (order.voucher.displayUrl ?? '').split('/').pop() ?? '';
    // Past the deadline the page reads "vencido" even before the expirer runs.
    await api('POST', '/_local/clock', { body: { advanceSeconds: 11 * 60 } });
    const page = await browser.newPage();
    await page.goto(`${hostUrl}?token=${token}`);
    await page.waitForFunction('window.voucherEvents.length > 0', undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.voucherEvents')).toEqual([
      { type: 'pe-voucher:expired', status: 'EXPIRED' },
    ]);
    expect(await page.locator('pe-voucher .cip').count()).toBe(0);
    await page.close();
  });
});
