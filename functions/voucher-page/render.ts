import { createHash } from 'node:crypto';
import { COPY_ES_PE, fill, type VoucherCopy } from './copy.es-PE';
import { VOUCHER_PAGE_SCRIPT } from './page-script';
import { VOUCHER_CSS } from './styles';
import { escapeHtml as e, type VoucherView } from './view';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Nothing loads but what the page carries: its one inline script and stylesheet (by hash), inline
 * SVG, and `fetch` of its own status. No third-party script, font or tracker can be added by
 * accident, and the page cannot be framed (clickjacking a payment code).
 */
export const VOUCHER_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(VOUCHER_PAGE_SCRIPT)}`,
  `style-src ${sha256(VOUCHER_CSS)}`,
  'img-src data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const VOUCHER_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': VOUCHER_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000',
  // The status changes: a browser revalidates instead of showing a stale "pendiente".
  'cache-control': 'no-cache',
  'x-robots-tag': 'noindex',
};

/** JSON inside a <script type="application/json"> block: `<` escaped so no `</script>` can end it. */
function jsonBlock(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

/**
 * The page's icon inside it (the CSP's `img-src data:`): a page naming none makes the buyer's
 * browser ask for `/favicon.ico` at the API's root on every load — a 404 locally, a 403 from API
 * Gateway.
 */
const VOUCHER_ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b5cad"/><rect x="7" y="9" width="3" height="14" fill="#fff"/><rect x="12" y="9" width="1.5" height="14" fill="#fff"/><rect x="15.5" y="9" width="3" height="14" fill="#fff"/><rect x="20.5" y="9" width="1.5" height="14" fill="#fff"/><rect x="23.5" y="9" width="1.5" height="14" fill="#fff"/></svg>',
)}`;

function shell(title: string, status: string, body: string, copy: VoucherCopy): string {
  return `<!doctype html>
<html lang="${e(copy.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(title)}</title>
<link rel="icon" href="${VOUCHER_ICON}">
<style>${VOUCHER_CSS}</style>
</head>
<body>
<main class="pe-voucher" data-status="${e(status)}">
${body}
</main>
</body>
</html>`;
}

type OptionView = VoucherView['paymentOptions'][number];

/** The facts of one option: amount always; CIP and deadline only while it can be paid. */
function optionFacts(option: OptionView, labels: VoucherView['labels']): string {
  const facts = [
    `<div><dt>${e(labels.amountLabel)}</dt><dd class="amount">${e(option.amountText)}</dd></div>`,
  ];
  if (option.payable && option.cip !== undefined)
    facts.push(
      `<div data-option-payable><dt>${e(labels.cipLabel)}</dt><dd class="cip">${e(option.cip)}</dd></div>`,
    );
  if (option.payable)
    facts.push(
      `<div data-option-payable><dt>${e(labels.deadlineLabel)}</dt><dd class="deadline-text" data-deadline>${e(option.deadlineText)}</dd></div>`,
    );
  return `<dl class="facts">\n${facts.join('\n')}\n</dl>`;
}

function cashCodes(view: VoucherView, option: OptionView): string {
  const { labels } = view;
  return `<div data-option-payable>
<p class="countdown" data-countdown data-expires-at="${e(option.expiresAt)}"></p>
<p class="note">${e(labels.deadlineNote)}</p>
<p><button type="button" class="secondary" data-copy="${e(option.cip ?? '')}" hidden>${e(labels.copyCip)}</button> <span data-copied role="status"></span></p>
<div class="barcode">${option.barcodeSvg ?? ''}</div>
<h3>${e(labels.howToPayTitle)}</h3>
<ol>
${labels.howToPay.map((step) => `<li>${e(step)}</li>`).join('\n')}
</ol>
<p class="no-print"><a href="${e(view.whereToPayUrl)}" rel="noopener noreferrer" target="_blank">${e(labels.whereToPayLink)}</a></p>
</div>`;
}

/** A wallet's QR (desktop: the phone scans it) and its link (phone: it opens the wallet); either alone is shown everywhere. */
function walletCodes(view: VoucherView, option: OptionView): string {
  const { labels } = view;
  const both = option.qrSvg !== undefined && option.redirectUrl !== undefined;
  const qr =
    option.qrSvg === undefined
      ? ''
      : `<div class="qr${both ? ' wide-only' : ''}">${option.qrSvg}<p class="note">${e(labels.walletScan)}</p></div>`;
  const link =
    option.redirectUrl === undefined
      ? ''
      : `<div class="wallet-open${both ? ' narrow-only' : ''}"><p><a class="button" href="${e(option.redirectUrl)}" rel="noopener noreferrer">${e(labels.walletOpen)}</a></p><p class="note">${e(labels.walletOpenNote)}</p></div>`;
  return `<div data-option-payable>
<p class="countdown" data-countdown data-expires-at="${e(option.expiresAt)}"></p>
${qr}${link}
</div>`;
}

function optionSection(view: VoucherView, option: OptionView, index: number): string {
  const heading = `option-${index}`;
  const codes = !option.payable
    ? ''
    : option.method === 'cash'
      ? cashCodes(view, option)
      : walletCodes(view, option);
  return `<section class="option" data-option="${e(option.id)}" data-method="${e(option.method)}" data-option-state="${e(option.status)}" aria-labelledby="${heading}">
<div class="option-head"><h2 id="${heading}">${e(option.title)}</h2><p class="option-badge" data-option-status>${e(option.statusLabel)}</p></div>
${optionFacts(option, view.labels)}
${codes}
</section>`;
}

/**
 * The hosted voucher page: server-rendered, complete without JavaScript. What the buyer needs at
 * the counter — amount, CIP, deadline — comes first, above the fold of a 360×640 phone
 * (test/e2e/serial/voucher-options.test.ts measures it); words about the order come after.
 */
export function renderVoucherPage(view: VoucherView, copy: VoucherCopy = COPY_ES_PE): string {
  const { labels } = view;
  const data = {
    payable: view.payable,
    copied: labels.copied,
    countdown: labels.countdown,
    units: labels.countdownUnits,
    // Our clock as the page was made: the countdown counts from it, not from the device's.
    serverTime: view.serverTime,
  };
  const body = `<header>
<p class="marketplace">${e(view.marketplaceName)}</p>
<h1>${e(copy.pageTitle)}</h1>
<p class="greeting">${e(labels.greeting)}</p>
</header>
<section class="status" aria-live="polite">
<h2>${e(labels.statusLabel)}</h2>
<p class="badge" data-status-label>${e(view.statusLabel)}</p>
<p class="status-message" data-status-message>${e(view.statusMessage)}</p>
</section>
${view.paymentOptions.map((option, index) => optionSection(view, option, index)).join('\n')}
<section class="about">
<p data-intro>${e(labels.intro)}</p>
<dl>
<dt>${e(labels.conceptLabel)}</dt><dd>${e(view.concept)}</dd>
</dl>
</section>
<p><button type="button" data-print hidden>${e(copy.printButton)}</button></p>
<footer>${e(fill(copy.footer, { marketplace: view.marketplaceName }))}</footer>
<script type="application/json" id="voucher-data">${jsonBlock(data)}</script>
<script>${VOUCHER_PAGE_SCRIPT}</script>`;
  return shell(
    fill(copy.documentTitle, { title: copy.pageTitle, marketplace: view.marketplaceName }),
    view.status,
    body,
    copy,
  );
}

/** The one answer for every unknown or malformed token: no oracle telling them apart. */
export function renderNotFoundPage(copy: VoucherCopy = COPY_ES_PE): string {
  return shell(
    copy.notFoundTitle,
    'NOT_FOUND',
    `<h1>${e(copy.notFoundTitle)}</h1>\n<p>${e(copy.notFoundMessage)}</p>`,
    copy,
  );
}
