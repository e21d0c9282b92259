/**
 * The voucher page's only script, inline and allowed by its SHA-256 in the page's CSP (no
 * 'unsafe-inline'). Plain ES5-level JavaScript as a string: it runs in the buyer's browser, not in
 * Node. Without it the page still shows everything that matters (server-rendered); with it the
 * page counts down, copies the CIP, prints, and polls `./status` so a payment shows without reload
 * (backing off, paused while the tab is hidden: `statusPoller`).
 * It holds no words of its own: they come from the page's JSON data block (the copy catalogue).
 */
import { BROWSER_HELPERS } from './browser-helpers';

export const VOUCHER_PAGE_SCRIPT = `
(function () {
  var root = document.querySelector('.pe-voucher');
  var data = JSON.parse(document.getElementById('voucher-data').textContent);
${BROWSER_HELPERS}
  var countdown = root.querySelector('[data-countdown]');
  function tick() {
    if (countdown) countdown.textContent = fill(data.countdown, { remaining: remaining(Date.parse(data.expiresAt) - Date.now(), data.units) });
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
        if (!view.payable) { poller.stop(); clearInterval(ticker); }
      })
      .catch(function () {});
  }
  if (data.payable) {
    tick();
    ticker = setInterval(tick, 1000);
    poller = statusPoller(poll);
  }
})();
`.trim();
