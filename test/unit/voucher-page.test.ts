import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type Order, type StoredPaymentOption } from '#model/order';
import { COPY_ES_PE, type VoucherCopy } from '#voucher-page/copy.es-PE';
import { renderNotFoundPage, renderVoucherPage, VOUCHER_PAGE_CSP } from '#voucher-page/render';
import { VoucherPageSettingsSchema } from '#voucher-page/settings';
import {
  displayedStatus,
  formatAmount,
  formatDeadline,
  limaDeadlineParts,
  statusView,
  voucherView,
} from '#voucher-page/view';
import { VOUCHER_WIDGET_SOURCE } from '#voucher-page/widget';
import { syntheticPendingOrder } from '../support/synthetic-orders';

const settings = { marketplaceName: 'Tienda Ñandú', whereToPayUrl: 'https://www.pagoefectivo.pe/' };
const at = new Date('2026-11-27T15:00:00Z');

function order(overrides: Partial<Order> = {}): Order {
  return {
    ...syntheticPendingOrder(1, new Date('2026-11-28T22:31:00Z')),
    amount: 15_000,
    concept: 'Zapatillas de running',
    buyer: {
      email: 'ana@example.pe',
      firstName: 'Ana',
      lastName: 'Núñez',
      documentType: 'DNI',
      documentNumber: '44556677',
    },
    ...overrides,
  };
}

const QR_PAYLOAD = '00020101021226860014pe.culqi.qr0112ord_test_9f8e7d6c5b4a';
const REDIRECT_URL = 'https://sandbox.dlocal.com/collect/yape/D-4-abc123';

/** An order offered cash and a wallet (issue 30): the cash option is its voucher, the wallet stored beside it. */
function withOptions(source: Order, wallet: Partial<StoredPaymentOption> = {}): Order {
  return {
    ...source,
    paymentOptions: [
      {
        id: 'po_01JWALLET0000000000000000A',
        method: 'wallet',
        provider: 'culqi',
        amount: source.amount,
        currency: source.currency,
        // A wallet QR lives shorter than the CIP.
        expiresAt: '2026-11-27T17:00:00Z',
        createdAt: '2026-11-27T14:00:00Z',
        wallet: { wallets: ['yape', 'plin'], qrPayload: QR_PAYLOAD, redirectUrl: REDIRECT_URL },
        ...wallet,
      },
    ],
  };
}

/** The catalogue with every entry swapped for a marker naming it (placeholders kept, so fill() still works). */
function markers(copy: unknown, path: string[] = []): unknown {
  if (typeof copy === 'string') {
    const placeholders = copy.match(/\{\w+\}/g) ?? [];
    return path.join('.') === 'lang' ? copy : `⟦${path.join('.')}⟧${placeholders.join('')}`;
  }
  if (Array.isArray(copy)) return copy.map((item, index) => markers(item, [...path, String(index)]));
  return Object.fromEntries(
    Object.entries(copy as Record<string, unknown>).map(([key, value]) => [
      key,
      markers(value, [...path, key]),
    ]),
  );
}

/** What a buyer can read: text nodes and the attributes browsers show or speak. */
function readableText(html: string): string[] {
  const withoutCode = html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<script[^>]*>[\s\S]*?<\/script>/g, ' ');
  const attributes = [...withoutCode.matchAll(/\s(?:aria-label|title|alt|placeholder)="([^"]*)"/g)].map(
    (match) => match[1] ?? '',
  );
  const text = withoutCode
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, '\n')
    .split('\n');
  return [...text, ...attributes].map((chunk) => chunk.trim()).filter((chunk) => chunk !== '');
}

describe('the copy catalogue', () => {
  it('holds every word a buyer reads: the page shows nothing but catalogue entries and order data', () => {
    const copy = markers(COPY_ES_PE) as VoucherCopy;
    for (const source of ORDER_STATUSES.flatMap((status) => [
      order({ status }),
      withOptions(order({ status })),
    ])) {
      const { status } = source;
      const view = voucherView(source, settings, at, copy);
      const data = [settings.marketplaceName, source.buyer.firstName, source.concept, source.voucher.cip];
      for (const chunk of readableText(renderVoucherPage(view, copy))) {
        let rest = chunk.replace(/⟦[\w.]+⟧/g, '');
        for (const value of data) rest = rest.replaceAll(value, '');
        // Numbers and their punctuation (amounts, dates) are data; everything else must be gone.
        rest = rest.replace(/[\d\s.,:/]+/g, '');
        expect(rest, `"${chunk}" (${status}) is not from the catalogue`).toBe('');
      }
    }
    for (const chunk of readableText(renderNotFoundPage(copy))) {
      expect(chunk.replace(/⟦[\w.]+⟧/g, '')).toBe('');
    }
  });

  it('leaves no placeholder unfilled and no English on the page', () => {
    for (const source of ORDER_STATUSES.flatMap((status) => [
      order({ status }),
      withOptions(order({ status })),
    ])) {
      const html = renderVoucherPage(voucherView(source, settings, at));
      const text = readableText(html).join(' ');
      expect(text).not.toMatch(/\{\w+\}/);
      expect(text).not.toMatch(/\b(pay|paid|expired|deadline|amount|status|cancel(l)?ed|pending)\b/i);
    }
  });

  it('holds no words in the widget or the page script: they come from the JSON view', () => {
    expect(VOUCHER_WIDGET_SOURCE).not.toMatch(/Pag|Vence|CIP|código/);
  });
});

/** What Intl writes for es-PE: view.ts writes the same without building a formatter (decision 60). */
const intlAmount = new Intl.NumberFormat('es-PE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const intlDeadline = new Intl.DateTimeFormat('es-PE', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'America/Lima',
});

describe('formatting for Peru', () => {
  it('writes every amount as Intl es-PE does', () => {
    const amounts = [
      0, 1, 5, 99, 100, 101, 999_99, 1_000_00, 1_234_56, 999_999_99, 1_000_000_00, 123_456_789,
    ];
    for (let minor = 0; minor < 2_000_000; minor += 997) amounts.push(minor, minor * 1013);
    for (const minor of [...amounts, ...amounts.filter((amount) => amount > 0).map((amount) => -amount)])
      expect(formatAmount(minor, 'PEN'), String(minor)).toBe(`S/ ${intlAmount.format(minor / 100)}`);
  });

  it("says every deadline's parts as Intl es-PE in America/Lima does (every 59 minutes for two years)", () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let at = start; at < start + 2 * 366 * 24 * 3600_000; at += 59 * 60_000) {
      const iso = new Date(at).toISOString();
      const intl = Object.fromEntries(
        intlDeadline.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
      );
      const { weekday, day, month, hour, minute, dayPeriod } = intl;
      expect(limaDeadlineParts(iso), iso).toEqual({ weekday, day, month, hour, minute, dayPeriod });
    }
  });

  it('writes soles and dollars as Peruvians read them', () => {
    expect(formatAmount(15_000, 'PEN')).toBe('S/ 150.00');
    expect(formatAmount(4_000, 'USD')).toBe('US$ 40.00');
    expect(formatAmount(123_456_789, 'PEN')).toBe('S/ 1,234,567.89');
    expect(formatAmount(5, 'PEN')).toBe('S/ 0.05');
  });

  it('says the deadline in Lima time and in words, "a la" at one o\'clock', () => {
    const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
    // 22:31 UTC is 5:31 p. m. in Lima (UTC−5, no daylight saving).
    expect(nbsp(formatDeadline('2026-11-28T22:31:00Z'))).toBe(
      'Paga antes del sábado 28 de noviembre a las 5:31 p. m.',
    );
    expect(nbsp(formatDeadline('2026-12-04T18:05:00Z'))).toBe(
      'Paga antes del viernes 4 de diciembre a la 1:05 p. m.',
    );
    // Just after midnight in Lima is still the previous day in UTC+0's terms the other way round.
    expect(nbsp(formatDeadline('2027-01-01T05:00:00Z'))).toBe(
      'Paga antes del viernes 1 de enero a las 12:00 a. m.',
    );
  });
});

describe('what the buyer is shown', () => {
  it('reads a pending code past its deadline as expired, and only a payable code shows the CIP', () => {
    const pending = order();
    expect(displayedStatus(pending, at)).toBe('PENDING_PAYMENT');
    expect(displayedStatus(pending, new Date('2026-11-28T22:31:00Z'))).toBe('EXPIRED');
    const late = voucherView(pending, settings, new Date('2026-11-29T00:00:00Z'));
    expect(late).toMatchObject({ status: 'EXPIRED', payable: false });
    expect(late.cip).toBeUndefined();
    expect(late.barcodeSvg).toBeUndefined();
    for (const status of ['PAID', 'FULFILLED', 'PAID_LATE', 'REFUNDED'] as const) {
      expect(statusView(order({ status }), settings, at)).toMatchObject({ paid: true, payable: false });
    }
    expect(statusView(order({ status: 'CANCELLED' }), settings, at)).toMatchObject({
      statusLabel: 'Anulado',
      paid: false,
    });
  });

  it('allows the page nothing but its own script and style', () => {
    expect(VOUCHER_PAGE_CSP).toContain("default-src 'none'");
    expect(VOUCHER_PAGE_CSP).not.toMatch(/unsafe|https?:|\*/);
  });
});

describe('ways to pay: cash and wallet options', () => {
  it('offers cash first (CIP, barcode) and the wallet (QR, link), each with its amount and deadline', () => {
    const view = voucherView(withOptions(order()), settings, at);
    expect(view.paymentOptions.map((option) => [option.method, option.title, option.statusLabel])).toEqual([
      ['cash', 'Paga en efectivo', 'Pendiente de pago'],
      ['wallet', 'Paga con Yape o Plin', 'Pendiente de pago'],
    ]);
    const [cash, wallet] = view.paymentOptions;
    expect(cash).toMatchObject({ payable: true, amountText: 'S/ 150.00', cip: view.cip });
    expect(cash?.barcodeSvg).toMatch(/^<svg role="img" aria-label="Código de barras del CIP/);
    expect(wallet).toMatchObject({ payable: true, amountText: 'S/ 150.00', redirectUrl: REDIRECT_URL });
    expect(wallet?.qrSvg).toMatch(
      /^<svg role="img" aria-label="Código QR para pagar S\/ 150.00 con Yape o Plin"/,
    );
    expect(wallet?.deadlineText.replace(/[\u00a0\u202f]/g, ' ')).toBe(
      'Paga antes del viernes 27 de noviembre a las 12:00 p. m.',
    );
    const html = renderVoucherPage(view);
    expect(html).toContain('Paga en efectivo');
    expect(html).toContain('Paga con Yape o Plin');
    expect(html).toContain(`href="${REDIRECT_URL}"`);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('once paid, every option reads "Pagado" and no code stays: no CIP, barcode, QR or link', () => {
    for (const status of ['PAID', 'FULFILLED', 'PAID_LATE', 'REFUNDED'] as const) {
      // The wallet paid it: the cash option is closed at the provider, and says "Pagado" too.
      const source = withOptions(order({ status }));
      const view = voucherView(source, settings, at);
      expect(view.paymentOptions.map((option) => [option.statusLabel, option.payable])).toEqual([
        ['Pagado', false],
        ['Pagado', false],
      ]);
      const html = renderVoucherPage(view);
      expect(html).not.toContain('<svg');
      expect(html).not.toContain('class="cip"');
      expect(readableText(html).join(' ')).not.toContain(source.voucher.cip);
      expect(html).not.toContain(REDIRECT_URL);
      expect(html).not.toMatch(/<[a-z]+ data-option-payable/);
    }
  });

  it('leaves out an unavailable option, and a wallet past its own deadline gives no QR while the CIP still counts', () => {
    const unavailable = voucherView(
      withOptions(order(), { unavailableReason: 'Culqi is down', wallet: undefined }),
      settings,
      at,
    );
    expect(unavailable.paymentOptions.map((option) => option.method)).toEqual(['cash']);
    expect(
      statusView(
        withOptions(order(), { unavailableReason: 'Culqi is down', wallet: undefined }),
        settings,
        at,
      ).paymentOptions,
    ).toHaveLength(1);
    expect(renderVoucherPage(unavailable)).not.toContain('Yape');

    const later = voucherView(withOptions(order()), settings, new Date('2026-11-27T17:00:00Z'));
    expect(later.payable).toBe(true);
    expect(later.paymentOptions.map((option) => [option.method, option.statusLabel, option.payable])).toEqual(
      [
        ['cash', 'Pendiente de pago', true],
        ['wallet', 'Vencido', false],
      ],
    );
    expect(later.paymentOptions[1]?.qrSvg).toBeUndefined();
    expect(later.paymentOptions[1]?.redirectUrl).toBeUndefined();
  });

  it('links only to https: a provider redirect of another scheme is never a link on the page', () => {
    for (const redirectUrl of [
      'javascript:alert(1)',
      'yape://pay?x=1',
      'http://example.pe/pay',
      'not a url',
    ]) {
      const view = voucherView(
        withOptions(order(), { wallet: { wallets: ['yape'], redirectUrl } }),
        settings,
        at,
      );
      expect(view.paymentOptions[1]?.redirectUrl).toBeUndefined();
      expect(renderVoucherPage(view)).not.toContain(redirectUrl);
    }
  });

  it('reads an order made before payment options as its one cash option', () => {
    const view = voucherView(order(), settings, at);
    expect(view.paymentOptions).toEqual([
      expect.objectContaining({ method: 'cash', payable: true, cip: order().voucher.cip }),
    ]);
  });
});

describe("the page's settings (MARKETPLACE_NAME)", () => {
  const settings = (marketplaceName: string) =>
    VoucherPageSettingsSchema.safeParse({ marketplaceName, whereToPayUrl: 'https://www.pagoefectivo.pe/' });

  it('takes a name as free text: no bidi override to run into the sentence after it, nothing invisible, 80 at most', () => {
    expect(settings('Mercado Local 🛍️').success).toBe(true);
    expect(settings('Tienda \u202Eabc').success).toBe(false);
    expect(settings('Tienda\u3164').success).toBe(false);
    expect(settings('x'.repeat(81)).success).toBe(false);
    expect(settings('x'.repeat(80)).success).toBe(true);
  });
});
