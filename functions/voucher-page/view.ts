// Named symbology import: esbuild keeps Code 128 and drops bwip-js's other ~100 symbologies.
import { code128, drawingSVG } from 'bwip-js/node';
import type * as z from 'zod';
import type { Currency } from '#orders/money';
import type { Order, OrderStatus } from '#orders/order';
import type { VoucherStatusViewSchema, VoucherViewSchema } from './api-schemas';
import { COPY_ES_PE, fill, type VoucherCopy } from './copy.es-PE';

/** Stage settings of the buyer-facing pages (lib/stage-config.ts `voucherPage`). */
export interface VoucherPageSettings {
  marketplaceName: string;
  /** PagoEfectivo's official "where to pay" finder. */
  whereToPayUrl: string;
}

const LIMA = 'America/Lima';
const amountFormat = new Intl.NumberFormat('es-PE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** The deadline's parts as Intl writes them for Peru; its words (weekday, month, a. m.) are data, not copy. */
export const deadlineParts = new Intl.DateTimeFormat('es-PE', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: LIMA,
});

/**
 * `S/ 1,500.00`, `US$ 40.00`: the symbol Peruvians read (ICU's es-PE says `USD` for dollars), the
 * number from Intl (es-PE groups with commas and uses a decimal point).
 */
export function formatAmount(minor: number, currency: Currency, copy: VoucherCopy = COPY_ES_PE): string {
  return `${copy.currency[currency]} ${amountFormat.format(minor / 100)}`;
}

/** "Paga antes del viernes 28 de noviembre a las 5:31 p. m." in Lima time ("a la 1:05 p. m." at one). */
export function formatDeadline(iso: string, copy: VoucherCopy = COPY_ES_PE): string {
  const parts = Object.fromEntries(
    deadlineParts.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  );
  const time = `${parts.hour}:${parts.minute} ${parts.dayPeriod}`;
  const sentence = fill(copy.deadline, {
    weekday: parts.weekday ?? '',
    day: parts.day ?? '',
    month: parts.month ?? '',
    time,
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
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(label)}" focusable="false" `);
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
  order: Pick<Order, 'status' | 'expiresAt'>,
  settings: VoucherPageSettings,
  at: Date,
  copy: VoucherCopy = COPY_ES_PE,
): VoucherStatusView {
  const status = displayedStatus(order, at);
  return {
    status,
    statusLabel: copy.status[status],
    statusMessage: fill(copy.statusMessage[status], { marketplace: settings.marketplaceName }),
    payable: status === 'PENDING_PAYMENT',
    paid: PAID_STATUSES.has(status),
    expiresAt: order.expiresAt,
  };
}

export function voucherView(
  order: Order,
  settings: VoucherPageSettings,
  at: Date,
  copy: VoucherCopy = COPY_ES_PE,
): VoucherView {
  const status = statusView(order, settings, at, copy);
  const cip = order.voucher.cip;
  return {
    ...status,
    marketplaceName: settings.marketplaceName,
    firstName: order.buyer.firstName,
    concept: order.concept,
    amountText: formatAmount(order.amount, order.currency, copy),
    ...(status.payable ? { cip, barcodeSvg: barcodeSvg(cip, fill(copy.barcodeLabel, { cip })) } : {}),
    deadlineText: formatDeadline(order.expiresAt, copy),
    whereToPayUrl: settings.whereToPayUrl,
    labels: {
      greeting: fill(copy.greeting, { firstName: order.buyer.firstName }),
      intro: fill(copy.intro, { marketplace: settings.marketplaceName }),
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
