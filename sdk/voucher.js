/*! pe-voucher 1.3.0 */
(function () {
  if (customElements.get('pe-voucher')) return;
  var script = document.currentScript;
  var defaultBase = script && script.src ? new URL('..', script.src).href : location.origin + '/';
  var css = ".pe-voucher{--ink:#1a1a1a;--muted:#4a4a4a;--line:#d0d0d0;--accent:#7a1f00;--paper:#fff;\n  font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;color:var(--ink);\n  background:var(--paper);max-width:36em;margin:0 auto;padding:1em}\n.pe-voucher h1{font-size:1.5em;margin:0}\n.pe-voucher .greeting,.pe-voucher .marketplace,.pe-voucher .status-message{overflow-wrap:anywhere}\n.pe-voucher .greeting{margin:.25em 0 0}\n.pe-voucher h2,.pe-voucher h3{font-size:1em;margin:1.25em 0 .25em;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}\n.pe-voucher .marketplace{font-weight:700;margin:0;color:var(--muted)}\n.pe-voucher .status{border:2px solid var(--line);border-radius:.5em;padding:.5em .75em;margin:.5em 0 1em;\n  display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .75em}\n.pe-voucher .status h2{margin:0}\n.pe-voucher .badge{display:inline-block;font-weight:700;font-size:1.125em;margin:0}\n.pe-voucher .status-message{flex-basis:100%;margin:0;font-size:.875em}\n.pe-voucher .option{border:2px solid var(--line);border-radius:.5em;padding:.25em .75em .75em;margin:1em 0}\n.pe-voucher .option-head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 .75em}\n.pe-voucher .option-head h2{margin:.5em 0 .25em;color:var(--ink)}\n.pe-voucher .option-badge{margin:0;font-weight:700;font-size:.875em}\n.pe-voucher [data-option-state=paid] .option-badge{color:#1e6b32}\n.pe-voucher .facts{display:block;margin:0}\n.pe-voucher .facts>div{margin:.25em 0}\n.pe-voucher .facts dt{font-size:.875em}\n.pe-voucher .note{font-size:.875em;margin:.25em 0}\n.pe-voucher .qr svg{display:block;width:100%;max-width:16em;height:auto;margin:.5em 0}\n.pe-voucher a.button{display:inline-block;font-weight:700;padding:.6em 1em;border-radius:.5em;background:var(--ink);color:#fff;text-decoration:none;min-height:44px;box-sizing:border-box}\n@media (max-width:47.99em){.pe-voucher .wide-only{display:none}}\n@media (min-width:48em){.pe-voucher .narrow-only{display:none}}\n.pe-voucher[data-status=PENDING_PAYMENT] .status{border-color:#8a5a00;background:#fff8e6}\n.pe-voucher[data-status=PAID] .status,.pe-voucher[data-status=FULFILLED] .status,\n.pe-voucher[data-status=PAID_LATE] .status{border-color:#1e6b32;background:#ecf8ef}\n.pe-voucher[data-status=EXPIRED] .status,.pe-voucher[data-status=CANCELLED] .status{border-color:#a61b1b;background:#fdeeee}\n.pe-voucher dl{display:grid;grid-template-columns:auto 1fr;gap:.25em 1em;margin:0}\n.pe-voucher dt{color:var(--muted)}\n.pe-voucher dd{margin:0;font-weight:600;overflow-wrap:anywhere}\n.pe-voucher .amount{font-size:1.5em;font-weight:800}\n.pe-voucher .deadline-text{font-size:1.125em;font-weight:800;color:var(--accent)}\n.pe-voucher .countdown{font-variant-numeric:tabular-nums;font-weight:600;margin:.25em 0}\n.pe-voucher .cip{font:800 2em/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.08em;margin:.25em 0;overflow-wrap:anywhere}\n.pe-voucher .barcode svg{display:block;width:100%;max-width:28em;height:auto;margin:.5em 0}\n.pe-voucher button{font:inherit;font-weight:700;padding:.6em 1em;border-radius:.5em;border:2px solid var(--ink);background:var(--ink);color:#fff;cursor:pointer;min-height:44px}\n.pe-voucher button.secondary{background:#fff;color:var(--ink)}\n.pe-voucher a{color:#0b4f9c}\n.pe-voucher ol{padding-left:1.25em}\n.pe-voucher footer{margin-top:2em;color:var(--muted);font-size:.875em}\n.pe-voucher [hidden]{display:none!important}\n@media print{.pe-voucher button,.pe-voucher .countdown,.pe-voucher .no-print{display:none!important}\n  .pe-voucher{max-width:none;padding:0}.pe-voucher .status{background:none}}";
  var sheet = null;
  function styles() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(css); }
    return sheet;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  function remaining(ms, units) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var days = Math.floor(total / 86400), hours = Math.floor((total % 86400) / 3600), minutes = Math.floor((total % 3600) / 60);
    var parts = [];
    if (days) parts.push(fill(units.d, { n: days }));
    if (days || hours) parts.push(fill(units.h, { n: hours }));
    parts.push(fill(units.min, { n: minutes }));
    if (!days) parts.push(fill(units.s, { n: total % 60 }));
    return parts.join(' ');
  }
  function statusPoller(poll) {
    var visibleMs = 0, since = Date.now(), last = 0, timer = null, stopped = false;
    function delay() {
      var shown = visibleMs + (Date.now() - since);
      return shown < 45000 ? 5000 : shown < 180000 ? 15000 : 60000;
    }
    function schedule() {
      clearTimeout(timer);
      timer = stopped || document.hidden ? null : setTimeout(run, delay());
    }
    function run() { last = Date.now(); poll(); schedule(); }
    // Back in view (or focused) after a while: ask at once, the buyer may just have paid.
    function resumed() { if (!stopped && !document.hidden) { if (Date.now() - last > 2000) run(); else schedule(); } }
    function visibility() {
      if (document.hidden) { visibleMs += Date.now() - since; clearTimeout(timer); timer = null; }
      else { since = Date.now(); resumed(); }
    }
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('focus', resumed);
    schedule();
    return {
      stop: function () {
        stopped = true;
        clearTimeout(timer);
        document.removeEventListener('visibilitychange', visibility);
        window.removeEventListener('focus', resumed);
      },
    };
  }
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
