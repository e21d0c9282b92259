import { createHash } from 'node:crypto';
import { BROWSER_HELPERS } from './browser-helpers';
import { VOUCHER_CSS } from './styles';

/** Bumped when the widget's behaviour changes; `/sdk/voucher-<version>.js` is immutable. */
export const WIDGET_VERSION = '1.1.0';

/**
 * `<pe-voucher token="…">`: the voucher inside a marketplace's own checkout. A framework-free
 * custom element (browser JavaScript, as a string: it never runs in Node) with a shadow root, so
 * neither side's CSS reaches the other; styles go in through a constructed stylesheet, which a
 * host page's CSP allows where a <style> element might not be. It fetches the voucher's JSON view
 * (`GET /v/{token}`, CORS) — words included, so the widget holds none of its own — polls
 * `/v/{token}/status`, and tells the host page with `pe-voucher:paid` / `pe-voucher:expired`
 * (bubbling, composed; `detail` is the status view). The API's base URL is where the script was
 * loaded from, or the element's `api-base` attribute.
 */
export const VOUCHER_WIDGET_SOURCE = `/*! pe-voucher ${WIDGET_VERSION} */
(function () {
  if (customElements.get('pe-voucher')) return;
  var script = document.currentScript;
  var defaultBase = script && script.src ? new URL('..', script.src).href : location.origin + '/';
  var css = ${JSON.stringify(VOUCHER_CSS)};
  var sheet = null;
  function styles() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(css); }
    return sheet;
  }
${BROWSER_HELPERS}
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  class PeVoucher extends HTMLElement {
    static get observedAttributes() { return ['token']; }
    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this.shadowRoot.adoptedStyleSheets = [styles()];
      this.timers = [];
      this.announced = {};
      this.loads = 0;
    }
    connectedCallback() { this.load(); }
    disconnectedCallback() { this.stop(); }
    attributeChangedCallback(name, before, after) { if (this.isConnected && before !== after) this.load(); }
    stop() {
      this.timers.forEach(clearInterval);
      this.timers = [];
      if (this.poller) { this.poller.stop(); this.poller = null; }
    }
    base() { var base = this.getAttribute('api-base') || defaultBase; return base.endsWith('/') ? base : base + '/'; }
    url(suffix) { return this.base() + 'v/' + encodeURIComponent(this.getAttribute('token') || '') + suffix; }
    load() {
      // Upgrading an element fires attributeChangedCallback and connectedCallback: only the last load renders.
      var self = this, load = ++this.loads;
      this.stop();
      fetch(this.url(''), { headers: { accept: 'application/json' } })
        .then(function (response) {
          if (!response.ok) throw new Error('voucher ' + response.status);
          return response.json();
        })
        .then(function (view) { if (load === self.loads) self.render(view); })
        .catch(function (error) {
          self.dispatchEvent(new CustomEvent('pe-voucher:error', { bubbles: true, composed: true, detail: { message: String(error) } }));
        });
    }
    render(view) {
      var self = this, labels = view.labels, root = this.shadowRoot;
      this.stop();
      root.textContent = '';
      var main = el('section', 'pe-voucher');
      main.setAttribute('data-status', view.status);
      main.appendChild(el('p', 'marketplace', view.marketplaceName));
      var status = el('div', 'status');
      status.setAttribute('aria-live', 'polite');
      status.appendChild(el('h2', '', labels.statusLabel));
      var badge = status.appendChild(el('p', 'badge', view.statusLabel));
      var message = status.appendChild(el('p', '', view.statusMessage));
      main.appendChild(status);
      var summary = el('dl');
      summary.appendChild(el('dt', '', labels.amountLabel));
      summary.appendChild(el('dd', 'amount', view.amountText));
      summary.appendChild(el('dt', '', labels.conceptLabel));
      summary.appendChild(el('dd', '', view.concept));
      main.appendChild(summary);
      var payable = [];
      if (view.payable) {
        var deadline = el('div', 'deadline');
        deadline.appendChild(el('h2', '', labels.deadlineLabel));
        deadline.appendChild(el('p', 'deadline-text', view.deadlineText));
        var countdown = deadline.appendChild(el('p', 'countdown'));
        deadline.appendChild(el('p', '', labels.deadlineNote));
        var code = el('div');
        code.appendChild(el('h2', '', labels.cipLabel));
        code.appendChild(el('p', 'cip', view.cip));
        var copyRow = code.appendChild(el('p'));
        if (navigator.clipboard) {
          var copy = copyRow.appendChild(el('button', 'secondary', labels.copyCip));
          copy.type = 'button';
          var copied = copyRow.appendChild(el('span'));
          copied.setAttribute('role', 'status');
          copy.addEventListener('click', function () {
            navigator.clipboard.writeText(view.cip).then(function () { copied.textContent = labels.copied; });
          });
        }
        var barcode = code.appendChild(el('div', 'barcode'));
        barcode.innerHTML = view.barcodeSvg;
        var how = el('div');
        how.appendChild(el('h2', '', labels.howToPayTitle));
        var steps = how.appendChild(el('ol'));
        labels.howToPay.forEach(function (step) { steps.appendChild(el('li', '', step)); });
        var link = el('a', '', labels.whereToPayLink);
        link.href = view.whereToPayUrl;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        how.appendChild(el('p')).appendChild(link);
        payable = [deadline, code, how];
        payable.forEach(function (node) { main.appendChild(node); });
        var tick = function () {
          countdown.textContent = fill(labels.countdown, { remaining: remaining(Date.parse(view.expiresAt) - Date.now(), labels.countdownUnits) });
        };
        tick();
        this.timers.push(setInterval(tick, 1000));
        this.poller = statusPoller(function () { self.poll(main, badge, message, payable); });
      }
      root.appendChild(main);
      this.announce(view);
    }
    poll(main, badge, message, payable) {
      var self = this;
      fetch(this.url('/status'), { headers: { accept: 'application/json' }, cache: 'no-store' })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (view) {
          if (!view) return;
          main.setAttribute('data-status', view.status);
          badge.textContent = view.statusLabel;
          message.textContent = view.statusMessage;
          if (!view.payable) {
            payable.forEach(function (node) { node.hidden = true; });
            self.stop();
          }
          self.announce(view);
        })
        .catch(function () {});
    }
    announce(view) {
      var type = view.paid ? 'paid' : view.status === 'EXPIRED' ? 'expired' : null;
      if (!type || this.announced[type]) return;
      this.announced[type] = true;
      this.dispatchEvent(new CustomEvent('pe-voucher:' + type, {
        bubbles: true,
        composed: true,
        detail: { status: view.status, statusLabel: view.statusLabel, paid: view.paid, expiresAt: view.expiresAt },
      }));
    }
  }
  customElements.define('pe-voucher', PeVoucher);
})();
`;

/** Strong validator for `/sdk/voucher.js`: a new deployment with a new widget is a new ETag. */
export const VOUCHER_WIDGET_ETAG = `"${createHash('sha256').update(VOUCHER_WIDGET_SOURCE).digest('base64url').slice(0, 27)}"`;
