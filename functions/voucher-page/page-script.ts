/**
 * The voucher page's only script, inline and allowed by its SHA-256 in the page's CSP (no
 * 'unsafe-inline'). Plain ES5-level JavaScript as a string: it runs in the buyer's browser, not in
 * Node. Without it the page still shows everything that matters (server-rendered); with it the
 * page counts down, copies the CIP, prints, and polls `./status` so a payment shows without reload.
 * It holds no words of its own: they come from the page's JSON data block (the copy catalogue).
 */
export const VOUCHER_PAGE_SCRIPT = `
(function () {
  var root = document.querySelector('.pe-voucher');
  var data = JSON.parse(document.getElementById('voucher-data').textContent);
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  function remaining(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var days = Math.floor(total / 86400), hours = Math.floor((total % 86400) / 3600), minutes = Math.floor((total % 3600) / 60);
    var parts = [];
    if (days) parts.push(fill(data.units.d, { n: days }));
    if (days || hours) parts.push(fill(data.units.h, { n: hours }));
    parts.push(fill(data.units.min, { n: minutes }));
    if (!days) parts.push(fill(data.units.s, { n: total % 60 }));
    return parts.join(' ');
  }
  var countdown = root.querySelector('[data-countdown]');
  function tick() {
    if (countdown) countdown.textContent = fill(data.countdown, { remaining: remaining(Date.parse(data.expiresAt) - Date.now()) });
  }
  var copyButton = root.querySelector('[data-copy]');
  var copied = root.querySelector('[data-copied]');
  if (copyButton && navigator.clipboard) {
    copyButton.hidden = false;
    copyButton.addEventListener('click', function () {
      navigator.clipboard.writeText(data.cip).then(function () { copied.textContent = data.copied; });
    });
  }
  var printButton = root.querySelector('[data-print]');
  printButton.hidden = false;
  printButton.addEventListener('click', function () { window.print(); });
  function apply(view) {
    root.setAttribute('data-status', view.status);
    root.querySelector('[data-status-label]').textContent = view.statusLabel;
    root.querySelector('[data-status-message]').textContent = view.statusMessage;
    if (!view.payable) {
      var payable = root.querySelectorAll('[data-payable]');
      for (var i = 0; i < payable.length; i++) payable[i].hidden = true;
    }
  }
  var statusUrl = location.pathname.replace(/\\/+$/, '') + '/status';
  var ticker, poller;
  function poll() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (view) {
        if (!view) return;
        apply(view);
        if (!view.payable) { clearInterval(poller); clearInterval(ticker); }
      })
      .catch(function () {});
  }
  if (data.payable) {
    tick();
    ticker = setInterval(tick, 1000);
    poller = setInterval(poll, 4000);
  }
})();
`.trim();
