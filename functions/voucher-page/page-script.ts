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
  var countdowns = root.querySelectorAll('[data-countdown]');
  // How far the device's clock is from ours (a phone's may be minutes off): the countdown is ours.
  var skew = 0;
  function synchronise(serverTime) { if (serverTime) skew = Date.parse(serverTime) - Date.now(); }
  synchronise(data.serverTime);
  function tick() {
    for (var i = 0; i < countdowns.length; i++) {
      var expiresAt = Date.parse(countdowns[i].getAttribute('data-expires-at'));
      countdowns[i].textContent = fill(data.countdown, { remaining: remaining(expiresAt - (Date.now() + skew), data.units) });
    }
  }
  var copyButtons = root.querySelectorAll('[data-copy]');
  for (var c = 0; c < copyButtons.length && navigator.clipboard; c++) (function (button) {
    var copied = button.parentNode.querySelector('[data-copied]');
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(button.getAttribute('data-copy')).then(function () { copied.textContent = data.copied; });
    });
  })(copyButtons[c]);
  var printButton = root.querySelector('[data-print]');
  printButton.hidden = false;
  printButton.addEventListener('click', function () { window.print(); });
  function hide(scope, selector) {
    var nodes = scope.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) nodes[i].hidden = true;
  }
  function apply(view) {
    root.setAttribute('data-status', view.status);
    root.querySelector('[data-status-label]').textContent = view.statusLabel;
    root.querySelector('[data-status-message]').textContent = view.statusMessage;
    // The invitation to choose must not outlive the payment: the intro follows the status too.
    if (view.intro) root.querySelector('[data-intro]').textContent = view.intro;
    synchronise(view.serverTime);
    // A status view without options (an older deployment's, still cached) says only whether to hide the codes.
    if (!view.paymentOptions) { if (!view.payable) hide(root, '[data-option-payable]'); return; }
    var sections = root.querySelectorAll('[data-option]');
    for (var i = 0; i < sections.length; i++) {
      var section = sections[i], option = null;
      for (var j = 0; j < view.paymentOptions.length; j++)
        if (view.paymentOptions[j].id === section.getAttribute('data-option')) option = view.paymentOptions[j];
      // An option the status no longer lists (now unavailable) goes; one no longer payable keeps no code.
      if (!option) { section.hidden = true; continue; }
      section.setAttribute('data-option-state', option.status);
      section.querySelector('[data-option-status]').textContent = option.statusLabel;
      // An extended deadline shows without reload: its words and the countdown's end.
      var deadline = section.querySelector('[data-deadline]'), countdown = section.querySelector('[data-countdown]');
      if (deadline && option.deadlineText) deadline.textContent = option.deadlineText;
      if (countdown && option.expiresAt) countdown.setAttribute('data-expires-at', option.expiresAt);
      if (!option.payable || !view.payable) hide(section, '[data-option-payable]');
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
