import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api, orderRequest } from '../../support/api';
import { decodeBarcodes, launchChromium } from '../../support/browser';

/** Screenshots land here (git-ignored); docs/screenshots holds the committed copies. */
const SHOTS = join(process.cwd(), '.build', 'screenshots');
/** The buyer at the counter: a small phone, nothing scrolled. */
const PHONE = { width: 360, height: 640 };

let browser: Browser;

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
