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

function shell(title: string, status: string, body: string, copy: VoucherCopy): string {
  return `<!doctype html>
<html lang="${e(copy.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(title)}</title>
<style>${VOUCHER_CSS}</style>
</head>
<body>
<main class="pe-voucher" data-status="${e(status)}">
${body}
</main>
</body>
</html>`;
}

/** The hosted voucher page: server-rendered, complete without JavaScript. */
export function renderVoucherPage(view: VoucherView, copy: VoucherCopy = COPY_ES_PE): string {
  const { labels } = view;
  const data = {
    expiresAt: view.expiresAt,
    payable: view.payable,
    cip: view.cip ?? null,
    copied: labels.copied,
    countdown: labels.countdown,
    units: labels.countdownUnits,
  };
  const payable = view.payable;
  const body = `<header>
<p class="marketplace">${e(view.marketplaceName)}</p>
<h1>${e(copy.pageTitle)}</h1>
</header>
<p>${e(labels.greeting)}</p>
<p>${e(labels.intro)}</p>
<section class="status" aria-live="polite">
<h2>${e(labels.statusLabel)}</h2>
<p class="badge" data-status-label>${e(view.statusLabel)}</p>
<p data-status-message>${e(view.statusMessage)}</p>
</section>
<dl>
<dt>${e(labels.amountLabel)}</dt><dd class="amount">${e(view.amountText)}</dd>
<dt>${e(labels.conceptLabel)}</dt><dd>${e(view.concept)}</dd>
</dl>
${
  payable
    ? `<section class="deadline" data-payable>
<h2>${e(labels.deadlineLabel)}</h2>
<p class="deadline-text">${e(view.deadlineText)}</p>
<p class="countdown" data-countdown></p>
<p>${e(labels.deadlineNote)}</p>
</section>
<section data-payable>
<h2>${e(labels.cipLabel)}</h2>
<p class="cip">${e(view.cip ?? '')}</p>
<p><button type="button" class="secondary" data-copy hidden>${e(labels.copyCip)}</button> <span data-copied role="status"></span></p>
<div class="barcode">${view.barcodeSvg ?? ''}</div>
</section>
<section data-payable>
<h2>${e(labels.howToPayTitle)}</h2>
<ol>
${labels.howToPay.map((step) => `<li>${e(step)}</li>`).join('\n')}
</ol>
<p class="no-print"><a href="${e(view.whereToPayUrl)}" rel="noopener noreferrer" target="_blank">${e(labels.whereToPayLink)}</a></p>
</section>`
    : ''
}
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
