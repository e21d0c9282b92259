import { createClient, data } from '@pagoefectivo-marketplace/sdk';
import { describe, expect, it } from 'vitest';
import { api, eventually, orderRequest, sandbox, stack } from '../support/api';
import { expectMatchesOpenApi } from '../support/openapi-schemas';

async function page(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Orders through the typed SDK, as a marketplace backend would create them. */
async function createOrder(overrides: Parameters<typeof orderRequest>[0] = {}) {
  const client = createClient({ baseUrl: stack().apiUrl, apiKey: stack().apiKey });
  return data(client.POST('/v1/orders', { body: orderRequest(overrides) }));
}

describe('the hosted voucher page', () => {
  it('is linked from the order, unguessable, and shows amount, CIP, barcode and deadline in Spanish', async () => {
    const order = await createOrder({ amount: 15_000, concept: 'Zapatillas de running' });
    const displayUrl = order.voucher.displayUrl ?? '';
    expect(displayUrl).toMatch(new RegExp(`^${stack().apiUrl}/v/[A-Za-z0-9_-]{22}$`));
    // Nothing of the order's ids is in the token.
    const token = displayUrl.split('/').pop() ?? '';
    expect(order.id).not.toContain(token);
    expect(token).not.toContain(order.voucher.cip);
    // Two orders, two tokens.
    const other = await createOrder();
    expect(other.voucher.displayUrl).not.toBe(displayUrl);

    const answer = await page(displayUrl);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('<html lang="es-PE">');
    expect(answer.text).toContain('S/ 150.00');
    expect(answer.text).toContain(`<dd class="cip">${order.voucher.cip}</dd>`);
    expect(answer.text).toMatch(/<svg role="img" aria-label="Código de barras del CIP \d+"/);
    expect(answer.text).toContain('Pendiente de pago');
    expect(answer.text).toMatch(
      /Paga antes del (lunes|martes|miércoles|jueves|viernes|sábado|domingo) \d{1,2} de \w+ a las? \d{1,2}:\d{2}\s[ap]\.\sm\./,
    );
    expect(answer.text).toContain('Hola, Ana María:');
    // The buyer's other data never reaches the page.
    expect(answer.text).not.toContain('Núñez');
    expect(answer.text).not.toContain('ana.nunez@example.pe');
    expect(answer.text).not.toContain(order.buyer.documentNumber);
    // Nothing external: no http(s) resource but the "where to pay" link.
    const external = [...answer.text.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((match) => match[1]);
    expect(external).toEqual(['https://www.pagoefectivo.pe/']);
    expect(answer.text.length).toBeLessThan(30_000);
  });

  it('sends strict security headers', async () => {
    const order = await createOrder();
    const answer = await page(order.voucher.displayUrl ?? '');
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers the same 404 page for every wrong token: malformed, unknown, or almost right', async () => {
    const order = await createOrder();
    const token = (order.voucher.displayUrl ?? '').split('/').pop() ?? '';
    const almost = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const answers = await Promise.all(
      ['nope', almost, 'A'.repeat(22), `${token}x`, '%3Cscript%3E', order.voucher.cip, order.id].map(
        (wrong) => page(`${stack().apiUrl}/v/${wrong}`),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(answers[0]?.text);
      expect(answer.text).toContain('Código no encontrado');
    }
    const status = await Promise.all(
      ['nope', almost].map((wrong) => page(`${stack().apiUrl}/v/${wrong}/status`)),
    );
    expect(status.map((answer) => answer.status)).toEqual([404, 404]);
    expect(status[0]?.headers.get('access-control-allow-origin')).toBe('*');
    expectMatchesOpenApi('Problem', JSON.parse(status[0]?.text ?? ''));
    expect(status[0]?.text).toBe(status[1]?.text);
  });

  it('escapes HTML in the concept and names, and keeps very long concepts whole', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const order = await createOrder({
      concept: hostile,
      buyer: { ...orderRequest().buyer, firstName: '<b>Ana</b>' },
    });
    const answer = await page(order.voucher.displayUrl ?? '');
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('<script>alert(1)');
    expect(answer.text).not.toContain('<img src=x');
    expect(answer.text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;',
    );
    expect(answer.text).toContain('Hola, &lt;b&gt;Ana&lt;/b&gt;:');

    const long = await createOrder({ concept: 'Pedido '.repeat(28).trim() });
    expect((await page(long.voucher.displayUrl ?? '')).text).toContain(long.concept);
  });

  it('has a small, CORS-enabled, cacheable status view that turns "pagado" once the payment is applied', async () => {
    const order = await createOrder();
    const statusUrl = `${order.voucher.displayUrl}/status`;
    const before = await fetch(statusUrl, { headers: { origin: 'https://checkout.example.pe' } });
    expect(before.status).toBe(200);
    expect(before.headers.get('access-control-allow-origin')).toBe('*');
    expect(before.headers.get('cache-control')).toBe('public, max-age=5');
    const beforeBody = await before.json();
    expectMatchesOpenApi('VoucherStatusView', beforeBody);
    expect(beforeBody).toEqual({
      status: 'PENDING_PAYMENT',
      statusLabel: 'Pendiente de pago',
      statusMessage: 'Aún no recibimos tu pago. Esta página se actualiza sola cuando pagues.',
      payable: true,
      paid: false,
      expiresAt: order.expiresAt,
      intro: 'Elige cómo pagar para completar tu compra en Mercado Local.',
      // Our clock: the page's countdown counts from it, not from the device's.
      serverTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      paymentOptions: expect.arrayContaining([
        expect.objectContaining({
          method: 'cash',
          status: 'open',
          statusLabel: 'Pendiente de pago',
          payable: true,
          expiresAt: order.expiresAt,
        }),
      ]),
    });

    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    const paid = await eventually(async () => {
      const view = (await (await fetch(statusUrl)).json()) as {
        status: string;
        paymentOptions: { statusLabel: string }[];
      };
      return view.status === 'PAID' ? view : undefined;
    });
    expect(paid).toMatchObject({
      statusLabel: 'Pagado',
      payable: false,
      paid: true,
      intro: 'Tu compra en Mercado Local está pagada. No necesitas pagar de nuevo.',
    });
    // Every way to pay says so, whichever the money came by.
    expect(paid.paymentOptions.length).toBeGreaterThan(0);
    for (const option of paid.paymentOptions) expect(option.statusLabel).toBe('Pagado');
    // A paid code is not something to pay any more: no CIP to copy, no barcode.
    const answer = await page(order.voucher.displayUrl ?? '');
    expect(answer.text).toContain('Pagado');
    expect(answer.text).not.toContain('<svg');
    expect(answer.text).not.toContain('class="cip"');
  });

  it('says so for cancelled orders and shows no barcode for a dead code', async () => {
    const order = await createOrder();
    expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(200);
    const answer = await page(order.voucher.displayUrl ?? '');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Anulado');
    expect(answer.text).toContain('Este código fue anulado y ya no se puede pagar.');
    expect(answer.text).not.toContain('<svg');
  });

  it('gives the widget a JSON view with every word it shows, and serves the widget script', async () => {
    const order = await createOrder({
      currency: 'USD',
      amount: 4_000,
      splits: [{ sellerId: 'seller-usd', amount: 4_000, fee: 400 }],
    });
    const view = await fetch(order.voucher.displayUrl ?? '', { headers: { accept: 'application/json' } });
    expect(view.status).toBe(200);
    expect(view.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await view.json()) as Record<string, unknown>;
    expectMatchesOpenApi('VoucherView', body);
    expectMatchesOpenApi('Order', order);
    expect(body).toMatchObject({
      amountText: 'US$ 40.00',
      cip: order.voucher.cip,
      status: 'PENDING_PAYMENT',
    });
    expect(body.labels).toMatchObject({ cipLabel: 'Código de pago (CIP)' });

    const script = await fetch(`${stack().apiUrl}/sdk/voucher.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = script.headers.get('etag') ?? '';
    expect(await script.text()).toContain("customElements.define('pe-voucher'");
    const again = await fetch(`${stack().apiUrl}/sdk/voucher.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const versioned = await fetch(`${stack().apiUrl}/sdk/voucher-1.3.0.js`);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${stack().apiUrl}/sdk/other.js`)).status).toBe(404);
  });
});
