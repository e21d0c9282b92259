import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import { api, eventually, orderRequest, sandbox, stack } from '../../support/api';
import { decodeBarcodes, launchChromium } from '../../support/browser';

/** Screenshots land here (git-ignored); docs/screenshots holds the committed copies. */
const SHOTS = join(process.cwd(), '.build', 'screenshots');
/** The buyer at the counter: a small phone, nothing scrolled. */
const PHONE = { width: 360, height: 640 };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;

type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };

/** Every CSP violation or script error the page reports. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return problems;
}

/** Text of every visible match (Playwright's own visibility: hidden ancestors and display:none count). */
async function visibleTexts(page: Page, selector: string): Promise<string[]> {
  const texts: string[] = [];
  for (const element of await page.locator(selector).all())
    if (await element.isVisible()) texts.push((await element.textContent()) ?? '');
  return texts;
}

async function createOrder(overrides: Parameters<typeof orderRequest>[0] = {}): Promise<Order> {
  const created = await api<Order>('POST', '/v1/orders', { body: orderRequest(overrides) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the voucher page on a 360×640 phone (Chromium)', () => {
  it('shows amount, CIP and deadline above the fold, and the barcode still decodes', async () => {
    // A long concept and a long name: what comes before the codes must not push them down.
    const order = await createOrder({ concept: 'Zapatillas de running talla 42, color azul marino' });
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(order.voucher.displayUrl ?? '');
    await page.screenshot({ path: join(SHOTS, 'voucher-fold-360x640.png') });
    const counter: Record<string, string> = {
      amount: '.amount',
      cip: '.cip',
      deadline: '.deadline-text',
    };
    for (const [what, selector] of Object.entries(counter)) {
      const element = page.locator(selector).first();
      expect(await element.isVisible(), what).toBe(true);
      const box = (await element.evaluate((node) => {
        const rect = (node as unknown as { getBoundingClientRect(): Box }).getBoundingClientRect();
        return { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right };
      })) as Box;
      // Wholly inside the first screen, unscrolled: nothing to scroll to at the counter.
      expect(box.top, what).toBeGreaterThanOrEqual(0);
      expect(box.bottom, `${what} ends at ${box.bottom}px`).toBeLessThanOrEqual(PHONE.height);
      expect(box.left, what).toBeGreaterThanOrEqual(0);
      expect(box.right, what).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await page.locator('.cip').first().textContent()).toBe(order.voucher.cip);
    expect(await page.locator('.amount').first().textContent()).toBe('S/ 150.00');
    const barcode = join(SHOTS, 'barcode-fold-360.png');
    await page.locator('.barcode svg').first().screenshot({ path: barcode });
    expect(await decodeBarcodes(barcode)).toEqual([`CODE-128:${order.voucher.cip}`]);
    await page.close();
  });
});

describe('cash and wallet on the voucher page (Chromium)', () => {
  it('shows both ways to pay, and once the sandbox wallet pays, "Pagado" on every one and no code', async () => {
    const created = await api<OrderView>('POST', '/v1/orders', {
      body: { ...orderRequest(), paymentMethods: ['cash', 'wallet'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body;
    const wallet = order.paymentOptions.find((option) => option.method === 'wallet');
    expect(wallet?.status).toBe('open');
    const url = order.voucher.displayUrl ?? '';

    // Desktop: the CIP with its barcode, and the wallet's QR for the phone to scan.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(url);
    expect(await visibleTexts(page, '.option h2')).toEqual(['Paga en efectivo', 'Paga con Yape o Plin']);
    expect(await visibleTexts(page, '[data-option-status]')).toEqual([
      'Pendiente de pago',
      'Pendiente de pago',
    ]);
    expect(await visibleTexts(page, '.option .amount')).toEqual(['S/ 150.00', 'S/ 150.00']);
    expect(await visibleTexts(page, '.cip')).toEqual([order.voucher.cip]);
    expect(await visibleTexts(page, '.deadline-text')).toHaveLength(2);
    const qr = join(SHOTS, 'wallet-qr-1280.png');
    await page.locator('[data-method=wallet] .qr svg').screenshot({ path: qr });
    // An independent decoder reads the QR as the provider's payload, and the barcode as the CIP.
    expect(await decodeBarcodes(qr)).toEqual([`QR-Code:${wallet?.wallet?.qrPayload}`]);
    const barcode = join(SHOTS, 'barcode-options-1280.png');
    await page.locator('[data-method=cash] .barcode svg').screenshot({ path: barcode });
    expect(await decodeBarcodes(barcode)).toEqual([`CODE-128:${order.voucher.cip}`]);
    await page.screenshot({ path: join(SHOTS, 'voucher-options-1280.png'), fullPage: true });
    expect(await visibleTexts(page, '[data-intro]')).toEqual([
      'Elige cómo pagar para completar tu compra en Mercado Local.',
    ]);

    // A phone: the counter facts of the cash option still stand above the fold.
    const phone = await browser.newPage({ viewport: PHONE });
    await phone.goto(url);
    const cipBox = await phone.locator('.cip').boundingBox();
    expect(cipBox?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(PHONE.height);
    await phone.screenshot({ path: join(SHOTS, 'voucher-options-360.png'), fullPage: true });

    // Paid by the wallet: both blocks flip without a reload, and no code is left to use.
    const paid = await sandbox('POST', `/_sandbox/wallets/${wallet?.id}/pay`, {});
    expect(paid.status).toBe(200);
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    for (const view of [page, phone]) {
      await expect
        .poll(() => visibleTexts(view, '[data-option-status]'), { timeout: 15_000 })
        .toEqual(['Pagado', 'Pagado']);
      expect(await visibleTexts(view, '[data-status-label]')).toEqual(['Pagado']);
      // Nothing is left to choose: the intro says the purchase is paid, live as the status.
      expect(await visibleTexts(view, '[data-intro]')).toEqual([
        'Tu compra en Mercado Local está pagada. No necesitas pagar de nuevo.',
      ]);
      for (const code of ['.cip', '.barcode svg', '.qr svg', '.wallet-open a', '.deadline-text'])
        expect(await visibleTexts(view, code), code).toEqual([]);
    }
    await phone.screenshot({ path: join(SHOTS, 'voucher-options-paid-360.png'), fullPage: true });
    // Served afresh, the page carries none either.
    const fresh = await (await fetch(url)).text();
    expect(fresh).not.toContain('<svg');
    expect(fresh).not.toContain('class="cip"');
    expect(fresh).not.toContain('Elige cómo pagar');
    expect(fresh).toContain('Tu compra en Mercado Local está pagada.');
    expect(problems).toEqual([]);
    await page.close();
    await phone.close();
  });

  it('has no serious or critical accessibility violation with both options (axe-core)', async () => {
    const created = await api<OrderView>('POST', '/v1/orders', {
      body: { ...orderRequest(), paymentMethods: ['cash', 'wallet'] },
    });
    expect(created.status).toBe(201);
    // axe is injected as a script, which the page's CSP rightly refuses: this context bypasses it.
    const context = await browser.newContext({ bypassCSP: true, viewport: PHONE });
    const page = await context.newPage();
    await page.goto(created.body.voucher.displayUrl ?? '');
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations =
      (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((violation) => ({ id: violation.id, impact: violation.impact })))`)) as {
        id: string;
        impact: string;
      }[];
    expect(violations.filter((violation) => ['serious', 'critical'].includes(violation.impact))).toEqual([]);
    await context.close();
  });
});

describe('cash and wallet in the <pe-voucher> widget', () => {
  it('shows both ways to pay in a host page and, paid by the wallet, "Pagado" on each and no code', async () => {
    const created = await api<OrderView>('POST', '/v1/orders', {
      body: { ...orderRequest(), paymentMethods: ['cash', 'wallet'] },
    });
    expect(created.status).toBe(201);
    const order = created.body;
    const wallet = order.paymentOptions.find((option) => option.method === 'wallet');
    const token = (order.voucher.displayUrl ?? '').split('/').pop() ?? '';
    const host = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Checkout</title></head>
<body><pe-voucher token="${token}"></pe-voucher><script src="${stack().apiUrl}/sdk/voucher.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = watchProblems(page);
      await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/checkout`);
      await expect
        .poll(() => visibleTexts(page, 'pe-voucher .option h2'))
        .toEqual(['Paga en efectivo', 'Paga con Yape o Plin']);
      expect(await visibleTexts(page, 'pe-voucher .cip')).toEqual([order.voucher.cip]);
      const qr = join(SHOTS, 'widget-qr-1280.png');
      await page.locator('pe-voucher .qr svg').screenshot({ path: qr });
      expect(await decodeBarcodes(qr)).toEqual([`QR-Code:${wallet?.wallet?.qrPayload}`]);

      await sandbox('POST', `/_sandbox/wallets/${wallet?.id}/pay`, {});
      await expect
        .poll(() => visibleTexts(page, 'pe-voucher .option-badge'), { timeout: 15_000 })
        .toEqual(['Pagado', 'Pagado']);
      for (const code of ['pe-voucher .cip', 'pe-voucher .barcode svg', 'pe-voucher .qr svg'])
        expect(await visibleTexts(page, code), code).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });
});

describe('what the buyer reads is our clock and our latest deadline (Chromium, outside test 6)', () => {
  /** Minutes in a countdown's words ("Vence en 1 h 44 min 3 s" → 104). */
  const minutesIn = (text: string) => {
    const hours = Number(/(\d+) h/.exec(text)?.[1] ?? 0);
    return hours * 60 + Number(/(\d+) min/.exec(text)?.[1] ?? Number.NaN);
  };

  it("counts down by the server's clock on a phone whose clock is 40 minutes off, either way", async () => {
    const order = await createOrder({ expiresInMinutes: 60 });
    const left = () => (Date.parse(order.expiresAt) - Date.now()) / 60_000;
    for (const offsetMinutes of [-40, 40]) {
      const page = await browser.newPage({ viewport: PHONE });
      // The device's clock, wrong by the offset (a phone set by hand).
      await page.addInitScript((offset: number) => {
        const realNow = Date.now;
        Date.now = () => realNow() + offset;
      }, offsetMinutes * 60_000);
      await page.goto(order.voucher.displayUrl ?? '');
      const countdown = page.locator('[data-countdown]').first();
      await expect.poll(async () => (await countdown.textContent()) ?? '').toMatch(/min/);
      const shown = minutesIn((await countdown.textContent()) ?? '');
      // The local stack's test clock may run ahead of the wall: the server's time left is the truth.
      const status = (await (await fetch(`${order.voucher.displayUrl}/status`)).json()) as {
        serverTime: string;
      };
      const serverLeft = (Date.parse(order.expiresAt) - Date.parse(status.serverTime)) / 60_000;
      expect(
        Math.abs(shown - serverLeft),
        `offset ${offsetMinutes}: shown ${shown}, ${left()} by the wall`,
      ).toBeLessThan(2);
      await page.close();
    }
  });

  it('shows an extended deadline without reload, in words and in the countdown', async () => {
    const order = await createOrder({ expiresInMinutes: 60 });
    const page = await browser.newPage({ viewport: PHONE });
    const problems = watchProblems(page);
    await page.goto(order.voucher.displayUrl ?? '');
    const before = await page.locator('[data-deadline]').first().textContent();
    const extended = await api<Order>('POST', `/v1/orders/${order.id}/extend-expiry`, {
      body: { expiresInMinutes: 2880 },
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    await expect
      .poll(async () => page.locator('[data-deadline]').first().textContent(), { timeout: 15_000 })
      .not.toBe(before);
    // The countdown ticks each second: from the next tick it counts to the new deadline (2 days).
    await expect.poll(async () => page.locator('[data-countdown]').first().textContent()).toMatch(/\d+ d/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the widget loads a voucher once, and says once that a bad token cannot be loaded', async () => {
    const order = await createOrder();
    const good = (order.voucher.displayUrl ?? '').split('/').pop() ?? '';
    const host = createServer((request, response) => {
      const token = request.url?.includes('bad') ? 'AAAAAAAAAAAAAAAAAAAAAA' : good;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Checkout</title></head>
<body><pe-voucher token="${token}"></pe-voucher><script>window.errors = 0; document.addEventListener('pe-voucher:error', () => { window.errors += 1; });</script><script src="${stack().apiUrl}/sdk/voucher.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
      for (const which of ['good', 'bad']) {
        const page = await browser.newPage();
        const loads: string[] = [];
        page.on('request', (request) => {
          if (/\/v\/[^/]+$/.test(new URL(request.url()).pathname)) loads.push(request.url());
        });
        await page.goto(`${origin}/${which}`);
        if (which === 'good') await page.locator('pe-voucher .cip').first().waitFor();
        else await expect.poll(() => page.evaluate('window.errors')).toBe(1);
        // Time for a second load or error to have happened, had there been one.
        await page.waitForTimeout(1_000);
        expect(loads, which).toHaveLength(1);
        if (which === 'bad') expect(await page.evaluate('window.errors')).toBe(1);
        await page.close();
      }
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });

  it('keeps a 100-character unbroken first name within a 360 px phone', async () => {
    const base = orderRequest();
    const order = await createOrder({ buyer: { ...base.buyer, firstName: 'X'.repeat(100) } });
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(order.voucher.displayUrl ?? '');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.close();
  });

  it('a late-paid order does not say "está pagada" beside its status', async () => {
    const order = await createOrder({ expiresInMinutes: 10 });
    await api('POST', `/v1/orders/${order.id}/cancel`, { body: {} });
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {
      ignoreExpiry: true,
      ignoreDeletion: true,
    });
    await eventually(async () => {
      const current = await api<Order>('GET', `/v1/orders/${order.id}`);
      return current.body.status === 'PAID_LATE' ? current.body : undefined;
    });
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(order.voucher.displayUrl ?? '');
    expect(await page.locator('[data-intro]').textContent()).toMatch(/^Recibimos tu pago para /);
    expect(await page.locator('[data-intro]').textContent()).not.toContain('está pagada');
    await page.close();
  });
});
