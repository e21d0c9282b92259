// Named symbology imports: esbuild keeps Code 128 and QR Code and drops bwip-js's other ~100 symbologies.
import { code128, drawingSVG, qrcode } from 'bwip-js/node';
import type * as z from 'zod';
import type { Currency } from '#model/money';
import type { Order, OrderStatus } from '#model/order';
import { paymentOptions as optionsOf } from '#model/payment-options';
import { limaWallClock } from '#platform/lima-time';
import type { VoucherStatusViewSchema, VoucherViewSchema } from './api-schemas';
import { COPY_ES_PE, fill, type VoucherCopy } from './copy.es-PE';
import { optionDisplayStatus, optionTitle, safeRedirectUrl } from './options';

/** Stage settings of the buyer-facing pages (lib/stage-config.ts `voucherPage`). */
export interface VoucherPageSettings {
  marketplaceName: string;
  /** PagoEfectivo's official "where to pay" finder. */
  whereToPayUrl: string;
}

/*
 * Dates (in Lima time, platform/lima-time.ts) and amounts are written out here rather than by
 * Intl: the first Intl formatter a process builds costs ~12 ms of ICU setup, a fifth of this
 * function's cold start (decision 60). test/unit/voucher-page.test.ts holds both to Intl's es-PE.
 */

/** The deadline's parts in Lima time, in the catalogue's words (as Intl's es-PE writes them). */
export function limaDeadlineParts(iso: string, copy: VoucherCopy = COPY_ES_PE) {
  const lima = limaWallClock(Date.parse(iso));
  const hours = lima.getUTCHours();
  return {
    weekday: copy.weekdays[lima.getUTCDay()] ?? '',
    day: String(lima.getUTCDate()),
    month: copy.months[lima.getUTCMonth()] ?? '',
    hour: String(hours % 12 || 12),
    minute: String(lima.getUTCMinutes()).padStart(2, '0'),
    dayPeriod: hours < 12 ? copy.dayPeriods.am : copy.dayPeriods.pm,
  };
}

/**
 * `S/ 1,500.00`, `US$ 40.00`: the symbol Peruvians read (ICU's es-PE says `USD` for dollars), and
 * the number as es-PE writes it: groups of three with commas, a decimal point, two decimals.
 */
export function formatAmount(minor: number, currency: Currency, copy: VoucherCopy = COPY_ES_PE): string {
  const cents = Math.abs(Math.round(minor));
  const whole = String(Math.trunc(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ',');
  const sign = minor < 0 && cents > 0 ? '-' : '';
  return `${copy.currency[currency]} ${sign}${whole}.${String(cents % 100).padStart(2, '0')}`;
}

/** "Paga antes del viernes 28 de noviembre a las 5:31 p. m." in Lima time ("a la 1:05 p. m." at one). */
export function formatDeadline(iso: string, copy: VoucherCopy = COPY_ES_PE): string {
  const parts = limaDeadlineParts(iso, copy);
  const sentence = fill(copy.deadline, {
    weekday: parts.weekday,
    day: parts.day,
    month: parts.month,
    time: `${parts.hour}:${parts.minute} ${parts.dayPeriod}`,
  });
  // Spanish says "a la una", "a las dos": the catalogue's "a las" becomes "a la" for one o'clock.
  return parts.hour === '1' ? sentence.replace(/ a las (?=1:)/, ' a la ') : sentence;
}

/** Code 128 of the CIP as inline SVG (bwip-js), with a quiet zone wide enough for any scanner. */
export function barcodeSvg(cip: string, label: string): string {
  const svg = code128(
    {
      bcid: 'code128',
      text: cip,
      height: 14,
      scale: 3,
      paddingwidth: 12,
      paddingheight: 4,
      backgroundcolor: 'FFFFFF',
    },
    drawingSVG(),
  );
  return labelledSvg(svg, label);
}

/** An inline SVG that screen readers announce as one image with `label`. */
function labelledSvg(svg: string, label: string): string {
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(label)}" focusable="false" `);
}

/**
 * QRs already drawn in this container, by payload. A wallet option's payload never changes, and a
 * buyer waiting to pay reloads the page: drawing a QR costs several times the rest of the page
 * (docs/performance.md), so each is drawn once per container. Bounded: the oldest goes first.
 */
const drawnQrs = new Map<string, string>();
const DRAWN_QRS_KEPT = 200;

/** The wallet's QR (what Yape, Plin and other wallets scan) as inline SVG, drawn from the provider's payload like the barcode. */
export function qrSvg(payload: string, label: string): string {
  let svg = drawnQrs.get(payload);
  if (svg === undefined) {
    svg = drawQr(payload);
    if (drawnQrs.size >= DRAWN_QRS_KEPT) drawnQrs.delete(drawnQrs.keys().next().value as string);
    drawnQrs.set(payload, svg);
  }
  return labelledSvg(svg, label);
}

function drawQr(payload: string): string {
  return qrcode(
    {
      bcid: 'qrcode',
      text: payload,
      scale: 4,
      // The quiet zone the QR specification asks for (four modules).
      paddingwidth: 8,
      paddingheight: 8,
      backgroundcolor: 'FFFFFF',
    },
    drawingSVG(),
  );
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** What the buyer is shown: the order's status, except a pending code past its deadline reads as expired. */
export function displayedStatus(order: Pick<Order, 'status' | 'expiresAt'>, at: Date): OrderStatus {
  if (order.status === 'PENDING_PAYMENT' && at.getTime() >= Date.parse(order.expiresAt)) return 'EXPIRED';
  return order.status;
}

const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set(['PAID', 'FULFILLED', 'PAID_LATE', 'REFUNDED']);

/** The small JSON view the page and the widget poll (`GET /v/{token}/status`): its schema's type. */
export type VoucherStatusView = z.infer<typeof VoucherStatusViewSchema>;

/** Everything the page and the widget render (order data, formatted, and the catalogue's words). */
export type VoucherView = z.infer<typeof VoucherViewSchema>;

export function statusView(
  order: Order,
  settings: VoucherPageSettings,
  at: Date,
  copy: VoucherCopy = COPY_ES_PE,
): VoucherStatusView {
  const status = displayedStatus(order, at);
  const paymentOptions: VoucherStatusView['paymentOptions'] = [];
  for (const option of optionsOf(order)) {
    const shown = optionDisplayStatus(option, status, at);
    if (shown === undefined) continue;
    paymentOptions.push({
      id: option.id,
      method: option.method,
      status: shown,
      statusLabel: copy.optionStatus[shown],
      payable: shown === 'open',
      expiresAt: option.expiresAt,
      deadlineText: formatDeadline(option.expiresAt, copy),
    });
  }
  const payable = status === 'PENDING_PAYMENT';
  return {
    status,
    statusLabel: copy.status[status],
    statusMessage: fill(copy.statusMessage[status], { marketplace: settings.marketplaceName }),
    payable,
    paid: PAID_STATUSES.has(status),
    expiresAt: order.expiresAt,
    intro: fill(introTemplate(status, payable, paymentOptions.length > 1, copy), {
      marketplace: settings.marketplaceName,
    }),
    serverTime: at.toISOString(),
    paymentOptions,
  };
}

export function voucherView(
  order: Order,
  settings: VoucherPageSettings,
  at: Date,
  copy: VoucherCopy = COPY_ES_PE,
): VoucherView {
  const status = statusView(order, settings, at, copy);
  const inputs = new Map(optionsOf(order).map((option) => [option.id, option]));
  const paymentOptions: VoucherView['paymentOptions'] = status.paymentOptions.flatMap((shown) => {
    const option = inputs.get(shown.id);
    if (option === undefined) return [];
    const amountText = formatAmount(option.amount, option.currency, copy);
    // A code is handed out only while that option can be paid: no dead CIP or QR is ever shown.
    const cip = option.cash?.cip ?? order.voucher.cip;
    const codes = !shown.payable
      ? {}
      : option.method === 'cash'
        ? { cip, barcodeSvg: barcodeSvg(cip, fill(copy.barcodeLabel, { cip })) }
        : walletCodes(option.wallet, amountText, copy);
    return [
      {
        ...shown,
        provider: option.provider,
        title: optionTitle(option, copy),
        amountText,
        ...codes,
      },
    ];
  });
  // The top-level CIP and barcode (what widget 1.1 reads) are the payable cash option's.
  const cash = paymentOptions.find((option) => option.method === 'cash' && option.cip !== undefined);
  return {
    ...status,
    marketplaceName: settings.marketplaceName,
    firstName: order.buyer.firstName,
    concept: order.concept,
    amountText: formatAmount(order.amount, order.currency, copy),
    ...(cash?.cip !== undefined && cash.barcodeSvg !== undefined
      ? { cip: cash.cip, barcodeSvg: cash.barcodeSvg }
      : {}),
    deadlineText: formatDeadline(order.expiresAt, copy),
    whereToPayUrl: settings.whereToPayUrl,
    paymentOptions,
    labels: {
      greeting: fill(copy.greeting, { firstName: order.buyer.firstName }),
      intro: status.intro,
      amountLabel: copy.amountLabel,
      conceptLabel: copy.conceptLabel,
      cipLabel: copy.cipLabel,
      copyCip: copy.copyCip,
      copied: copy.copied,
      deadlineLabel: copy.deadlineLabel,
      deadlineNote: copy.deadlineNote,
      statusLabel: copy.statusLabel,
      howToPayTitle: copy.howToPayTitle,
      howToPay: [...copy.howToPay],
      whereToPayLink: copy.whereToPayLink,
      walletScan: copy.walletScan,
      walletOpen: copy.walletOpen,
      walletOpenNote: copy.walletOpenNote,
      countdown: copy.countdown,
      countdownUnits: {
        d: copy.countdownDays,
        h: copy.countdownHours,
        min: copy.countdownMinutes,
        s: copy.countdownSeconds,
      },
    },
  };
}

/**
 * "Elige cómo pagar…" only while something can be paid; a paid or ended order says so instead, in
 * words that agree with its status: a late payment is received, not a purchase done, and a
 * refunded order is one that can no longer be paid (outside test 6).
 */
function introTemplate(status: OrderStatus, payable: boolean, several: boolean, copy: VoucherCopy): string {
  if (status === 'PAID_LATE') return copy.introPaidLate;
  if (status === 'REFUNDED') return copy.introEnded;
  if (PAID_STATUSES.has(status)) return copy.introPaid;
  if (!payable) return copy.introEnded;
  return several ? copy.introChoose : copy.intro;
}

/** A payable wallet option's codes: its QR (drawn from the provider's payload) and/or the https link that opens the wallet. */
function walletCodes(
  wallet: { qrPayload?: string; redirectUrl?: string } | undefined,
  amountText: string,
  copy: VoucherCopy,
): { qrSvg?: string; redirectUrl?: string } {
  const redirectUrl = safeRedirectUrl(wallet?.redirectUrl);
  return {
    ...(wallet?.qrPayload
      ? { qrSvg: qrSvg(wallet.qrPayload, fill(copy.walletQrLabel, { amount: amountText })) }
      : {}),
    ...(redirectUrl !== undefined ? { redirectUrl } : {}),
  };
}
