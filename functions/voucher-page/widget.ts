import { createHash } from 'node:crypto';
import { BROWSER_HELPERS } from './browser-helpers';
import { VOUCHER_CSS } from './styles';

/** Bumped when the widget's behaviour changes; `/sdk/voucher-<version>.js` is immutable. */
export const WIDGET_VERSION = '1.3.0';

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
    // Upgrading an element already in the page fires attributeChangedCallback for its attributes,
    // then connectedCallback: only the latter loads, so the voucher is fetched (and an error
    // announced) once; a later change of token or api-base loads again.
    connectedCallback() { this.connected = true; this.load(); }
    disconnectedCallback() { this.connected = false; this.stop(); }
    attributeChangedCallback(name, before, after) { if (this.connected && before !== after) this.load(); }
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
          if (load !== self.loads) return;
          self.dispatchEvent(new CustomEvent('pe-voucher:error', { bubbles: true, composed: true, detail: { message: String(error) } }));
        });
    }
    render(view) {
      var self = this, labels = view.labels, root = this.shadowRoot;
      this.stop();
      // How far the device's clock is from ours: the countdown is ours, not the phone's.
      this.skew = view.serverTime ? Date.parse(view.serverTime) - Date.now() : 0;
      root.textContent = '';
      var main = el('section', 'pe-voucher');
      main.setAttribute('data-status', view.status);
      main.appendChild(el('p', 'marketplace', view.marketplaceName));
      var status = el('div', 'status');
      status.setAttribute('aria-live', 'polite');
      status.appendChild(el('h2', '', labels.statusLabel));
      var badge = status.appendChild(el('p', 'badge', view.statusLabel));
      var message = status.appendChild(el('p', 'status-message', view.statusMessage));
      main.appendChild(status);
      // One block per way to pay, cash first: amount, then (while payable) its code and deadline.
      var options = {}, countdowns = [];
      (view.paymentOptions || []).forEach(function (option) {
        var section = main.appendChild(el('div', 'option'));
        section.setAttribute('data-option-state', option.status);
        var head = section.appendChild(el('div', 'option-head'));
        head.appendChild(el('h2', '', option.title));
        var optionBadge = head.appendChild(el('p', 'option-badge', option.statusLabel));
        var facts = section.appendChild(el('dl', 'facts'));
        var payable = [];
        function fact(label, className, text, whilePayable) {
          var row = facts.appendChild(el('div'));
          row.appendChild(el('dt', '', label));
          var value = row.appendChild(el('dd', className, text));
          if (whilePayable) payable.push(row);
          return value;
        }
        fact(labels.amountLabel, 'amount', option.amountText, false);
        if (option.payable) {
          if (option.cip) fact(labels.cipLabel, 'cip', option.cip, true);
          var deadline = fact(labels.deadlineLabel, 'deadline-text', option.deadlineText, true);
          var codes = section.appendChild(el('div'));
          payable.push(codes);
          var countdown = { node: codes.appendChild(el('p', 'countdown')), expiresAt: option.expiresAt };
          countdowns.push(countdown);
          if (option.method === 'cash') self.cashCodes(codes, view, option);
          else self.walletCodes(codes, labels, option);
        }
        options[option.id] = { section: section, badge: optionBadge, payable: payable, deadline: deadline, countdown: countdown };
      });
      var about = main.appendChild(el('dl'));
      about.appendChild(el('dt', '', labels.conceptLabel));
      about.appendChild(el('dd', '', view.concept));
      if (view.payable) {
        var tick = function () {
          countdowns.forEach(function (countdown) {
            countdown.node.textContent = fill(labels.countdown, { remaining: remaining(Date.parse(countdown.expiresAt) - (Date.now() + self.skew), labels.countdownUnits) });
          });
        };
        tick();
        this.timers.push(setInterval(tick, 1000));
        this.poller = statusPoller(function () { self.poll(main, badge, message, options); });
      }
      root.appendChild(main);
      this.announce(view);
    }
    cashCodes(codes, view, option) {
      var labels = view.labels;
      codes.appendChild(el('p', 'note', labels.deadlineNote));
      var copyRow = codes.appendChild(el('p'));
      if (navigator.clipboard) {
        var copy = copyRow.appendChild(el('button', 'secondary', labels.copyCip));
        copy.type = 'button';
        var copied = copyRow.appendChild(el('span'));
        copied.setAttribute('role', 'status');
        copy.addEventListener('click', function () {
          navigator.clipboard.writeText(option.cip).then(function () { copied.textContent = labels.copied; });
        });
      }
      codes.appendChild(el('div', 'barcode')).innerHTML = option.barcodeSvg || '';
      codes.appendChild(el('h3', '', labels.howToPayTitle));
      var steps = codes.appendChild(el('ol'));
      labels.howToPay.forEach(function (step) { steps.appendChild(el('li', '', step)); });
      var link = el('a', '', labels.whereToPayLink);
      link.href = view.whereToPayUrl;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      codes.appendChild(el('p')).appendChild(link);
    }
    walletCodes(codes, labels, option) {
      // Desktop: the QR, for the phone to scan. Phone: the link that opens the wallet. Either alone shows everywhere.
      var url = /^https:///.test(option.redirectUrl || '') ? option.redirectUrl : null;
      var both = option.qrSvg && url;
      if (option.qrSvg) {
        var qr = codes.appendChild(el('div', both ? 'qr wide-only' : 'qr'));
        qr.innerHTML = option.qrSvg;
        qr.appendChild(el('p', 'note', labels.walletScan));
      }
      if (url) {
        var open = codes.appendChild(el('div', both ? 'wallet-open narrow-only' : 'wallet-open'));
        var button = open.appendChild(el('p')).appendChild(el('a', 'button', labels.walletOpen));
        button.href = url;
        button.rel = 'noopener noreferrer';
        button.target = '_blank';
        open.appendChild(el('p', 'note', labels.walletOpenNote));
      }
    }
    poll(main, badge, message, options) {
      var self = this;
      fetch(this.url('/status'), { headers: { accept: 'application/json' }, cache: 'no-store' })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (view) {
          if (!view) return;
          if (view.serverTime) self.skew = Date.parse(view.serverTime) - Date.now();
          main.setAttribute('data-status', view.status);
          badge.textContent = view.statusLabel;
          message.textContent = view.statusMessage;
          var listed = {};
          (view.paymentOptions || []).forEach(function (option) { listed[option.id] = option; });
          Object.keys(options).forEach(function (id) {
            var shown = options[id], option = listed[id];
            if (!option) { shown.section.hidden = true; return; }
            shown.section.setAttribute('data-option-state', option.status);
            shown.badge.textContent = option.statusLabel;
            // An extended deadline shows without reload.
            if (shown.deadline && option.deadlineText) shown.deadline.textContent = option.deadlineText;
            if (shown.countdown && option.expiresAt) shown.countdown.expiresAt = option.expiresAt;
            if (!option.payable || !view.payable) shown.payable.forEach(function (node) { node.hidden = true; });
          });
          if (!view.payable) self.stop();
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
