import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationIds } from '#model/anomaly';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { recordAnomaly } from '#store/anomalies-repository';
import { storeApiKey } from '#store/api-keys';
import { api, asKey, bankDestination, eventually, orderRequest, sandbox, stack } from '../../support/api';
import { launchChromium, loadWatchingIcon } from '../../support/browser';
import { signIn } from '../../support/console-login';
import { requesterKey } from '../../support/keys';

/**
 * The console in real Chromium against the local stack. These tests hand the console a session
 * holding an API key (the API takes either a key or a person's access token as the bearer), so
 * they exercise the screens, the API calls behind them, the CSP and axe on their own; the sign-in
 * through the local OIDC provider is exercised by the flows that sign in for real.
 */
/** Screenshots land here (git-ignored); docs/screenshots holds the committed copies. */
const SHOTS = join(process.cwd(), '.build', 'screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
const consoleUrl = () => `${stack().apiUrl}/console/`;

type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

/**
 * Script errors, CSP refusals, and any failed load that is not an API answer the console handles
 * (a 404 for another seller, a 401 for a bad token, a 409 for a lost race): an asset or page that
 * does not load is a problem. The console's own origin is read from Chromium's network log (CDP):
 * Playwright's `response` events leave out what the browser asks for by itself, such as the
 * origin's `/favicon.ico` when a page names no icon. Other origins (the local issuer's sign-in
 * pages, a stand-in for Cognito's) by Playwright's events, as before.
 */
async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const consoleOrigin = new URL(stack().apiUrl).origin;
  const failed = (status: number, address: string) => {
    const url = new URL(address);
    return status >= 400 && url.protocol.startsWith('http') && !url.pathname.startsWith('/v1/');
  };
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('response', (response) => {
    if (new URL(response.url()).origin !== consoleOrigin && failed(response.status(), response.url()))
      problems.push(`${response.status()} ${response.url()}`);
  });
  const network = await page.context().newCDPSession(page);
  network.on('Network.responseReceived', ({ response }) => {
    if (new URL(response.url).origin === consoleOrigin && failed(response.status, response.url))
      problems.push(`${response.status} ${response.url}`);
  });
  await network.send('Network.enable');
  return problems;
}

interface TestPerson {
  sub: string;
  name: string;
  groups: string[];
  sellerId?: string;
}

/** A page whose tab already holds a session (sessionStorage, as the sign-in leaves it). */
async function pageAs(
  person: TestPerson,
  token: string,
  width = 1280,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems = await watchProblems(page);
  const session = { accessToken: token, expiresAt: Date.now() + 3_600_000, person };
  await page.addInitScript((value: string) => {
    const storage = (
      globalThis as unknown as {
        sessionStorage: { setItem(k: string, v: string): void; getItem(k: string): string | null };
      }
    ).sessionStorage;
    if (storage.getItem('console.session') === null) storage.setItem('console.session', value);
  }, JSON.stringify(session));
  return { page, problems };
}

async function axe(page: Page): Promise<string[]> {
  // The console's CSP refuses inline scripts (as it should): axe goes in through the debugger
  // protocol, which the page's CSP does not govern, so the page keeps its real policy.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; nodes: string[] }[];
  return results
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.join(', ')}`);
}

async function createOrder(overrides: Parameters<typeof orderRequest>[0] = {}): Promise<Order> {
  const created = await api<Order>('POST', '/v1/orders', { body: orderRequest(overrides) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function paidOrder(overrides: Parameters<typeof orderRequest>[0] = {}): Promise<Order> {
  const order = await createOrder(overrides);
  await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
  return eventually(async () => {
    const current = await api<Order>('GET', `/v1/orders/${order.id}`);
    return current.body.status === 'PAID' ? current.body : undefined;
  });
}

/** A refund big enough to wait for a second person (REFUND_APPROVAL_THRESHOLD), requested by `principal`. */
async function requestedRefund(principal: string): Promise<Refund> {
  const order = await paidOrder({
    amount: 60000,
    splits: [{ sellerId: 'seller-a', amount: 60000, fee: 6000 }],
  });
  const requester = await requesterKey(principal);
  const refund = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
    headers: { ...requester, 'idempotency-key': randomUUID() },
    body: { amount: 60000, reason: 'return', destination: bankDestination },
  });
  expect(refund.status, JSON.stringify(refund.body)).toBe(201);
  expect(refund.body.status).toBe('REQUESTED');
  return refund.body;
}

const PASSWORD = process.env.LOCAL_CONSOLE_PASSWORD ?? 'local-dev-password';

/** Signs a seeded person in through the console's own button and the issuer's form. */
async function signInThroughConsole(
  email: string,
  width = 1280,
  hash = '',
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems = await watchProblems(page);
  await page.goto(`${consoleUrl()}${hash}`);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page
    .locator('[data-person]')
    .waitFor({ timeout: 15_000 })
    .catch(async (e) => {
      throw new Error(`not signed in at ${page.url()}: ${await page.locator('body').textContent()}`, {
        cause: e,
      });
    });
  return { page, problems };
}

/** A person's access token from the same issuer, for the other person's side of a test (HTTP only). */
const tokenOf = async (email: string) =>
  (await signIn({ issuer: stack().consoleIssuerUrl, apiUrl: stack().apiUrl }, email)).accessToken;

/** The same token's claims, signed by the issuer's own key, an hour past their expiry. */
function expired(token: string): string {
  const [header = '', payload = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, iat: now - 7200, exp: now - 3600 })).toString('base64url')}`;
  const key = createPrivateKey({ key: stack().consoleSigningKey as never, format: 'jwk' });
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

const admin = (): TestPerson => ({
  sub: `admin-${randomUUID()}`,
  name: 'Admin de prueba',
  groups: ['admin'],
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('people sign in to the console through the local OpenID Connect issuer (Chromium)', () => {
  it('signs a finance person in and back to where they were; the callback leaves no code in the address', async () => {
    const { page, problems } = await signInThroughConsole('finanzas@local.test', 1280, '#/reembolsos');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Reembolsos');
    expect(page.url()).toBe(`${consoleUrl()}#/reembolsos`);
    expect(await page.locator('[data-person]').textContent()).not.toBe('');
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    // Signing out ends the session at the issuer too: the console asks to sign in again.
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.waitForURL((url) => url.origin === new URL(stack().consoleIssuerUrl).origin);
    await page.close();
  });

  it('a finance person approves a refund support requested, and cannot approve their own', async () => {
    const support = await tokenOf('soporte@local.test');
    const finance = await tokenOf('finanzas@local.test');
    const bySupport = await paidOrder({
      amount: 60000,
      splits: [{ sellerId: 'seller-a', amount: 60000, fee: 6000 }],
    });
    const byFinance = await paidOrder({
      amount: 60000,
      splits: [{ sellerId: 'seller-a', amount: 60000, fee: 6000 }],
    });
    const request = async (order: Order, token: string) => {
      const response = await api<Refund>('POST', `/v1/orders/${order.id}/refunds`, {
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
        body: { amount: 60000, reason: 'return', destination: bankDestination },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body.status).toBe('REQUESTED');
      return response.body;
    };
    const supportRefund = await request(bySupport, support);
    const ownRefund = await request(byFinance, finance);

    const { page, problems } = await signInThroughConsole(
      'finanzas@local.test',
      360,
      `#/reembolsos/${ownRefund.id}`,
    );
    const own = page.locator(`[data-refund="${ownRefund.id}"]`);
    await own.locator('[data-own-request]').waitFor();
    expect(await own.getByRole('button', { name: 'Aprobar' }).isDisabled()).toBe(true);
    // The API says the same to a request made without the console.
    const forced = await api<{ code: string }>('POST', `/v1/refunds/${ownRefund.id}/approve`, {
      headers: { authorization: `Bearer ${finance}` },
      body: {},
    });
    expect(forced.status).toBe(409);
    expect(forced.body.code).toBe('approver_must_differ');

    await page.goto(`${consoleUrl()}#/reembolsos`);
    const theirs = page.locator(`[data-refund="${supportRefund.id}"]`);
    await theirs.getByRole('button', { name: 'Aprobar' }).click();
    await theirs.locator('form button[type="submit"]').click();
    const approved = await eventually(async () => {
      const current = await api<Refund>('GET', `/v1/refunds/${supportRefund.id}`);
      return current.body.status === 'APPROVED' ? current.body : undefined;
    });
    // The audit trail names the people, not a key.
    expect(approved.requestedBy.principal).toBe('soporte@local.test');
    expect(approved.history.at(-1)?.by.principal).toBe('finanzas@local.test');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('support signs in, finds an order by its CIP and sees its timeline', async () => {
    const order = await paidOrder();
    const { page, problems } = await signInThroughConsole('soporte@local.test', 360);
    await page.getByRole('link', { name: 'Pedidos' }).click();
    await page.getByLabel('Buscar por').selectOption('cip');
    await page.getByLabel('Valor a buscar').fill(order.voucher.cip);
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('link', { name: order.reference }).click();
    await expect.poll(() => page.locator('[data-timeline]').textContent()).toContain('Pago recibido');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the seeded seller sees only their own page, and another seller\'s by URL is "no encontrado"', async () => {
    await paidOrder();
    const { page, problems } = await signInThroughConsole('vendedor@local.test', 360);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Vendedor seller-a');
    expect(await page.locator('nav[aria-label="Menú"] a').allTextContents()).toEqual(['Mi cuenta']);
    await page.goto(`${consoleUrl()}#/vendedores/seller-b`);
    await expect.poll(() => page.locator('main h2').first().textContent()).toBe('No encontrado');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a real token that expired sends the person back to sign in, keeping what they typed', async () => {
    const { page } = await signInThroughConsole('soporte@local.test', 1280, '#/pedidos');
    await page.getByLabel('Valor a buscar').fill('45678912');
    // The token now in the tab, as the issuer signed it but past its expiry (the console still
    // thinks it good, as with a clock that runs behind): the API refuses it with 401.
    await page.evaluate(
      (token: string) => {
        const storage = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage;
        const session = JSON.parse(storage.getItem('console.session') ?? '{}') as { accessToken: string };
        session.accessToken = token;
        storage.setItem('console.session', JSON.stringify(session));
      },
      expired(
        await page.evaluate(() => {
          const storage = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage;
          return (JSON.parse(storage.getItem('console.session') ?? '{}') as { accessToken: string })
            .accessToken;
        }),
      ),
    );
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.locator('[data-expired]').waitFor();
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    // The issuer still knows them (its session): straight back, the draft where it was.
    await page.locator('[data-person]').waitFor();
    expect(page.url()).toBe(`${consoleUrl()}#/pedidos`);
    expect(await page.getByLabel('Valor a buscar').inputValue()).toBe('45678912');
    await page.close();
  });
});

describe('the console in a real browser (Chromium)', () => {
  it('is served under /console with a strict CSP, no inline script, and its settings', async () => {
    const shell = await fetch(consoleUrl());
    expect(shell.status).toBe(200);
    const csp = shell.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await shell.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(`${stack().apiUrl}/console/callback`)).status).toBe(200);
    const config = (await (await fetch(`${consoleUrl()}config.json`)).json()) as Record<string, string>;
    expect(config).toMatchObject({
      clientId: 'console',
      apiBase: stack().apiUrl,
      scope: 'openid profile email',
    });
    expect((await fetch(`${consoleUrl()}assets/nothing.js`)).status).toBe(404);
    // Its icon is in the page (the CSP's img-src allows data:): the browser asks no host for one.
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,[^"]+" \/>/);
    expect(csp).toMatch(/img-src [^;]*\bdata:/);
  });

  it('asks for no /favicon.ico: a load is free of 404s and console errors', async () => {
    const { page, problems } = await pageAs(admin(), stack().apiKey);
    const { faviconRequests, drawnIcon } = await loadWatchingIcon(page, consoleUrl());
    await page.locator('[data-queue]').first().waitFor();
    expect(faviconRequests).toEqual([]);
    // The icon the page names is an image the browser draws, under the console's own CSP.
    expect(drawnIcon).toBe('data:image/svg+xml,');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every staff screen without serious or critical axe findings, at phone and desktop widths', async () => {
    const order = await paidOrder();
    // Something in the queues, so each screen shows (and axe checks) its items, not only "nada pendiente".
    await requestedRefund(`soporte-${randomUUID()}@local.test`);
    // Long unbroken text (ids, JSON a PSP sent) must wrap inside its box, not widen a phone's page.
    const long = `${randomUUID().replaceAll('-', '')}`.repeat(6);
    await recordAnomaly({
      id: `anm_${long}`,
      type: 'unparsable_notification',
      detectedAt: new Date().toISOString(),
      detail: `{"raw":"${long}","cip":"${long}","email":"${long}@example.com"}`,
      orderId: `ord_${long}`,
      ...notificationIds(`wh_${long}`),
      source: 'webhook',
    });
    for (const width of [360, 1280]) {
      const { page, problems } = await pageAs(admin(), stack().apiKey, width);
      const screens: [string, string][] = [
        ['inicio', ''],
        ['pedidos', 'pedidos'],
        ['pedido', `pedidos/${order.id}`],
        ['anomalias', 'anomalias'],
        ['reembolsos', 'reembolsos'],
        ['liquidaciones', 'liquidaciones'],
        ['pagos', 'pagos'],
        ['riesgo', 'riesgo'],
        ['vendedor', 'vendedores/seller-a'],
      ];
      for (const [name, route] of screens) {
        await page.goto(`${consoleUrl()}#/${route}`);
        await page.locator('main h1').first().waitFor();
        await expect
          .poll(() => page.locator('[role="status"]', { hasText: 'Cargando' }).count(), { timeout: 10_000 })
          .toBe(0);
        expect(await axe(page), `${name} at ${width}px`).toEqual([]);
        const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
        expect(overflow, `${name} overflows at ${width}px`).toBe(false);
        await page.screenshot({ path: join(SHOTS, `console-${name}-${width}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('a refund request whose answer was lost, sent again, is one refund: the same attempt carries the same Idempotency-Key', async () => {
    const order = await paidOrder({
      amount: 20000,
      splits: [{ sellerId: 'seller-a', amount: 20000, fee: 2000 }],
    });
    const { page, problems } = await pageAs(
      { sub: `s-${randomUUID()}`, name: 'Soporte', groups: ['support'] },
      stack().apiKey,
    );
    // The first POST reaches the API and is done there; its answer never reaches the page.
    const keys: string[] = [];
    let lost = false;
    await page.route(`**/v1/orders/${order.id}/refunds`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.goto(`${consoleUrl()}#/pedidos/${order.id}`);
    await page.getByText('Solicitar reembolso', { exact: true }).first().click();
    await page.getByLabel(/^Monto/).fill('5000');
    await page.getByLabel('CCI').fill(bankDestination.cci);
    await page.getByLabel('Titular').fill(bankDestination.holderName);
    await page.getByLabel('Documento del comprador (N.º)').fill(bankDestination.documentNumber);
    const submit = page.getByRole('button', { name: 'Solicitar reembolso' });
    await submit.click();
    await page.locator('form.action-form [role="alert"]').first().waitFor();
    // What the person typed is still there; they send it again.
    expect(await page.getByLabel(/^Monto/).inputValue()).toBe('5000');
    await submit.click();
    await expect.poll(() => keys.length).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    await expect
      .poll(
        async () =>
          (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body.items.length,
      )
      .toBe(1);
    // The next request from the same form is a new attempt.
    await page.close();
    expect(problems.filter((problem) => !problem.includes('refunds'))).toEqual([]);
  });

  it('offers support no refund decision it may not take: a notice instead of Aprobar and Rechazar', async () => {
    const refund = await requestedRefund(`finanzas-${randomUUID()}@local.test`);
    const { page } = await pageAs(
      { sub: `s-${randomUUID()}`, name: 'Soporte', groups: ['support'] },
      stack().apiKey,
    );
    await page.goto(`${consoleUrl()}#/reembolsos/${refund.id}`);
    const item = page.locator(`[data-refund="${refund.id}"]`);
    await item.locator('[data-others-decide]').waitFor();
    expect(await item.getByText('Rechazar', { exact: true }).count()).toBe(0);
    expect(await item.getByText('Aprobar', { exact: true }).count()).toBe(0);
    await page.close();
  });

  it("shows an order's events on its page, and redelivers one", async () => {
    const order = await paidOrder();
    const { page, problems } = await pageAs(admin(), stack().apiKey, 360);
    await page.goto(`${consoleUrl()}#/pedidos/${order.id}`);
    const events = page.locator('[data-events] [data-event]');
    await expect
      .poll(() => events.locator('strong').allTextContents())
      .toEqual(['order.created', 'order.paid']);
    const paid = events.filter({ hasText: 'order.paid' });
    const eventId = await paid.getAttribute('data-event');
    await paid.getByRole('button', { name: 'Reenviar' }).click();
    await expect.poll(() => paid.locator('[role="status"]').textContent()).toBe('Listo.');
    // The id shown is the feed's own: the API finds the same event by it.
    const listed = await api<{ items: { id: string }[] }>('GET', `/v1/orders/${order.id}/events`);
    expect(listed.body.items.map((event) => event.id)).toContain(eventId);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the maker-checker rule before the click: the requester cannot approve, another person can', async () => {
    const refund = await requestedRefund(`finanzas-${randomUUID()}@local.test`);
    const requester = refund.requestedBy.principal ?? '';
    const own = await pageAs({ sub: requester, name: 'Finanzas', groups: ['finance'] }, stack().apiKey);
    await own.page.goto(`${consoleUrl()}#/reembolsos/${refund.id}`);
    const item = own.page.locator(`[data-refund="${refund.id}"]`);
    await item.locator('[data-own-request]').waitFor();
    expect(await item.getByRole('button', { name: 'Aprobar' }).isDisabled()).toBe(true);
    await own.page.screenshot({ path: join(SHOTS, 'console-reembolso-propio-1280.png'), fullPage: true });
    await own.page.close();

    const other = await pageAs(
      { sub: `finanzas2-${randomUUID()}`, name: 'Finanzas 2', groups: ['finance'] },
      stack().apiKey,
    );
    await other.page.goto(`${consoleUrl()}#/reembolsos/${refund.id}`);
    const otherItem = other.page.locator(`[data-refund="${refund.id}"]`);
    await otherItem.getByRole('button', { name: 'Aprobar' }).click();
    await expect.poll(() => otherItem.textContent()).toContain('doble control');
    await otherItem.locator('form button[type="submit"]').click();
    await eventually(async () => {
      const current = await api<Refund>('GET', `/v1/refunds/${refund.id}`);
      return current.body.status === 'APPROVED' ? true : undefined;
    });
    expect(other.problems).toEqual([]);
    await other.page.close();
  });

  it('a decision that lost a race says what happened, not a stack trace', async () => {
    const refund = await requestedRefund(`finanzas-${randomUUID()}@local.test`);
    const { page } = await pageAs(
      { sub: `f-${randomUUID()}`, name: 'Finanzas 2', groups: ['finance'] },
      stack().apiKey,
    );
    await page.goto(`${consoleUrl()}#/reembolsos/${refund.id}`);
    const item = page.locator(`[data-refund="${refund.id}"]`);
    await item.getByRole('button', { name: 'Rechazar' }).click();
    await item.getByLabel('Motivo').fill('Duplicado del pedido');
    // Someone else approves first.
    const approved = await asKey(stack().apiKey)('POST', `/v1/refunds/${refund.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await item.locator('form button[type="submit"]').click();
    const alert = item.locator('[role="alert"]');
    await expect.poll(() => alert.textContent()).toContain('Otra persona actuó primero');
    await page.screenshot({ path: join(SHOTS, 'console-carrera-perdida-1280.png'), fullPage: true });
    expect(await alert.textContent()).toContain('Ahora está en estado Aprobado');
    await page.close();
  });

  it('validates as the API does and shows its field errors in Spanish', async () => {
    const refund = await requestedRefund(`finanzas-${randomUUID()}@local.test`);
    const { page } = await pageAs(
      { sub: `f-${randomUUID()}`, name: 'F', groups: ['finance'] },
      stack().apiKey,
    );
    await page.goto(`${consoleUrl()}#/reembolsos/${refund.id}`);
    const item = page.locator(`[data-refund="${refund.id}"]`);
    await item.getByRole('button', { name: 'Rechazar' }).click();
    await item.getByLabel('Motivo').fill('no');
    await item.locator('form button[type="submit"]').click();
    await expect
      .poll(() => item.locator('.field-error').textContent())
      .toBe('Escribe al menos 3 caracteres.');

    // The API's own check (CCI check digits) comes back as a field error, in Spanish.
    const order = await paidOrder();
    await page.goto(`${consoleUrl()}#/pedidos/${order.id}`);
    await page.getByText('Solicitar reembolso', { exact: true }).first().click();
    await page.getByLabel(/^Monto/).fill('1000');
    await page.getByLabel('CCI').fill('00219300153895206814');
    await page.getByLabel('Titular').fill('Ana Núñez');
    await page.getByLabel(/\(N\.º\)/).fill('45678912');
    await page.locator('details form.action-form button[type="submit"]').click();
    await expect
      .poll(() => page.locator('.field-error').first().textContent())
      .toBe('Los dígitos de control no cuadran.');
    expect(await page.getByLabel('CCI').getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });

  it('a settlement report refused line by line says which line and column, every one of them', async () => {
    const { page, problems } = await pageAs(admin(), stack().apiKey);
    await page.goto(`${consoleUrl()}#/liquidaciones`);
    await page.getByText('Subir reporte', { exact: true }).first().click();
    // The API refuses it whole with errors[] = [{field: "line 2: Monto", …}, {field: "line 3: Moneda", …}].
    const header =
      'CIP;Nro. Operación;Cód. Transacción;Moneda;Monto;Comisión;IGV;Neto;Fecha Pago;Fecha Liquidación;Canal';
    const report = [
      header,
      '12345678;900001;TX-1;PEN;100.005;2.50;0.45;97.05;01/12/2026 10:00:00;03/12/2026;Agente',
      '12345679;900002;TX-2;soles;100.00;2.50;0.45;97.05;01/12/2026 10:00:00;03/12/2026;Agente',
    ].join('\r\n');
    await page.getByLabel('Archivo del reporte (CSV o XLSX)').setInputFiles({
      name: `liquidacion-${randomUUID()}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(`${report}\r\n`),
    });
    await page.getByRole('button', { name: 'Subir reporte' }).click();
    const alert = page.locator('form [role="alert"]');
    await expect
      .poll(() => alert.locator('li').allTextContents())
      .toEqual([
        'Línea 2, columna Monto: Valor no válido. (Expected an amount like 150.00, got "100.005".)',
        'Línea 3, columna Moneda: Valor no válido. (Expected a currency code like PEN, got "soles".)',
      ]);
    expect(await alert.textContent()).toContain('Corrige esto y vuelve a enviar');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-liquidacion-rechazada-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a forged or expired token sends the person back to sign in without losing what they typed', async () => {
    const { page } = await pageAs(
      { sub: `s-${randomUUID()}`, name: 'Soporte', groups: ['support'] },
      stack().apiKey,
    );
    await page.goto(`${consoleUrl()}#/pedidos`);
    await page.getByLabel('Valor a buscar').fill('mkt-lo-que-escribí');
    // The token goes bad while the page is open (forged, revoked or expired): the API answers 401.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage;
      const session = JSON.parse(storage.getItem('console.session') ?? '{}') as { accessToken: string };
      session.accessToken = 'forged.token.value';
      storage.setItem('console.session', JSON.stringify(session));
    });
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.locator('[data-expired]').waitFor();
    expect(await page.getByRole('button', { name: 'Iniciar sesión' }).isVisible()).toBe(true);
    // Signed in again (a fresh session in this tab): the draft is still there.
    await page.evaluate(
      (session: string) => {
        (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.setItem(
          'console.session',
          session,
        );
      },
      JSON.stringify({
        accessToken: stack().apiKey,
        expiresAt: Date.now() + 3_600_000,
        person: { sub: 's', name: 'Soporte', groups: ['support'] },
      }),
    );
    await page.reload();
    expect(await page.getByLabel('Valor a buscar').inputValue()).toBe('mkt-lo-que-escribí');
    await page.close();
  });

  it('a seller sees only their own seller screens; another seller by URL is "no encontrado"', async () => {
    const sellerKey = `seller-console-${randomUUID()}`;
    await storeApiKey(sellerKey, {
      keyId: `key_sc_${randomUUID()}`,
      name: 'seller-a portal (test)',
      createdAt: new Date().toISOString(),
      usageKey: `usage_sc_${randomUUID()}`,
      scopes: ['orders:read', 'ledger:read'],
      sellerId: 'seller-a',
    });
    await paidOrder();
    const { page, problems } = await pageAs(
      { sub: `v-${randomUUID()}`, name: 'Vendedor A', groups: ['seller'], sellerId: 'seller-a' },
      sellerKey,
      360,
    );
    await page.goto(consoleUrl());
    await expect
      .poll(() => page.locator('main h1').textContent(), { timeout: 10_000 })
      .toBe('Vendedor seller-a');
    expect(await page.locator('nav[aria-label="Menú"] a').allTextContents()).toEqual(['Mi cuenta']);
    expect(await page.locator('[data-currency="PEN"]').count()).toBe(1);
    // Staff screens are not there for a seller: any other route lands back on their own page.
    await page.goto(`${consoleUrl()}#/reembolsos`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Vendedor seller-a');
    // URL tampering: another seller's page.
    await page.goto(`${consoleUrl()}#/vendedores/seller-b`);
    await expect.poll(() => page.locator('main h2').first().textContent()).toBe('No encontrado');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-vendedor-otro-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('"Saltar al contenido" moves focus to the main content and keeps the screen and its address', async () => {
    const { page, problems } = await pageAs(admin(), stack().apiKey);
    await page.goto(`${consoleUrl()}#/pedidos`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Pedidos');
    // The first Tab reaches the skip link; Enter follows it, as a keyboard user does.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Saltar al contenido');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('main');
    expect(page.url()).toBe(`${consoleUrl()}#/pedidos`);
    expect(await page.locator('main h1').textContent()).toBe('Pedidos');
    // The next Tab goes on from inside main, not back to the menu.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.closest("main") !== null')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches to English', async () => {
    const { page } = await pageAs(admin(), stack().apiKey);
    await page.goto(consoleUrl());
    await page.getByLabel('Idioma').selectOption('en');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('What needs attention');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.close();
  });
});
