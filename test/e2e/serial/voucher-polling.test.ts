import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox } from '../../support/api';
import { launchChromium } from '../../support/browser';

/**
 * What a buyer's open voucher page costs: status requests per visible minute, with the page's own
 * timers on Playwright's fake clock (minutes pass in milliseconds; the requests are real), and how
 * soon a payment shows. Issue 28's goal: ≤ 3 requests per visible minute on average, "Pagado"
 * within 10 s of the payment for a buyer looking at the page.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openVoucher(): Promise<{
  order: Order;
  page: Page;
  statusRequests: () => number;
  inFlight: () => number;
}> {
  const created = await api<Order>('POST', '/v1/orders', { body: orderRequest() });
  expect(created.status).toBe(201);
  const page = await browser.newPage();
  await page.clock.install();
  let count = 0;
  let open = 0;
  const isStatus = (url: string) => new URL(url).pathname.endsWith('/status');
  page.on('request', (request) => {
    if (isStatus(request.url())) {
      count++;
      open++;
    }
  });
  // The fake clock fires a poll at once, but its request travels in real time: on a busy machine
  // it may reach the API seconds later. `inFlight` lets a test wait for it before changing state.
  const settled = (request: { url: () => string }) => {
    if (isStatus(request.url())) open--;
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  await page.goto(created.body.voucher.displayUrl ?? '');
  return { order: created.body, page, statusRequests: () => count, inFlight: () => open };
}

/** What the browser does when the buyer switches away (hidden) or back (visible). */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    const doc = (globalThis as unknown as { document: Record<string, unknown> & EventTarget }).document;
    Object.defineProperty(doc, 'hidden', { configurable: true, get: () => value });
    Object.defineProperty(doc, 'visibilityState', {
      configurable: true,
      get: () => (value ? 'hidden' : 'visible'),
    });
    doc.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const label = (page: Page) => page.locator('[data-status-label]').textContent();

describe("the voucher page's status polling", () => {
  it('asks at most 3 times a visible minute on average over 10 minutes, and nothing while hidden', async () => {
    const { page, statusRequests } = await openVoucher();
    const perMinute: number[] = [];
    for (let minute = 1; minute <= 10; minute++) {
      const before = statusRequests();
      await page.clock.runFor(60_000);
      perMinute.push(statusRequests() - before);
    }
    const total = perMinute.reduce((sum, n) => sum + n, 0);
    // Figures for docs/voucher-page.md: 9 + 4 in the first minute, 1 a minute from the fourth.
    console.info(`status requests per visible minute: ${perMinute.join(' ')} (total ${total})`);
    expect(total / 10).toBeLessThanOrEqual(3);
    expect(perMinute.slice(3).every((n) => n <= 1)).toBe(true);
    // Hidden for 10 minutes: not one request.
    await setHidden(page, true);
    const hiddenFrom = statusRequests();
    await page.clock.runFor(600_000);
    expect(statusRequests()).toBe(hiddenFrom);
    // Shown again: one request at once.
    await setHidden(page, false);
    await expect.poll(() => statusRequests()).toBe(hiddenFrom + 1);
    await page.close();
  });

  it('shows "Pagado" within 10 s of the payment while the buyer looks, early or back from paying', async () => {
    // Early: the buyer pays right away (banking app) and watches the page.
    const early = await openVoucher();
    await sandbox('POST', `/_sandbox/cips/${early.order.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${early.order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    await early.page.clock.runFor(10_000);
    await expect.poll(() => label(early.page)).toBe('Pagado');
    await early.page.close();

    // Later: the page was put away (hidden) 5 visible minutes in; the buyer pays at an agent and
    // comes back to it. It asks at once: "Pagado" with no fake time passing at all.
    const late = await openVoucher();
    await late.page.clock.runFor(5 * 60_000);
    await setHidden(late.page, true);
    await late.page.clock.runFor(30 * 60_000);
    // A poll sent just before the page was hidden must have been answered before the buyer pays.
    await expect.poll(() => late.inFlight()).toBe(0);
    await sandbox('POST', `/_sandbox/cips/${late.order.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${late.order.id}`)).body.status === 'PAID' ? true : undefined,
    );
    expect(await label(late.page)).toBe('Pendiente de pago');
    const shownAt = Date.now();
    await setHidden(late.page, false);
    await expect.poll(() => label(late.page), { timeout: 10_000 }).toBe('Pagado');
    expect(Date.now() - shownAt).toBeLessThan(10_000);
    await late.page.close();
  });
});
