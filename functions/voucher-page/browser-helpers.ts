/**
 * When the status is asked again, by how long the tab has been visible (milliseconds): every
 * 5 s for the first 45 s (a buyer who pays right away, e.g. in their banking app, sees "Pagado"
 * within seconds), every 15 s up to 3 minutes, then every minute — 25 requests in 10 visible
 * minutes instead of 150 (docs/voucher-page.md, decision 84). Hidden tabs ask nothing; a tab shown
 * again or focused asks at once, so a buyer coming back from paying sees it within a second.
 */
export const STATUS_POLL_STEPS = [
  { untilVisibleMs: 45_000, everyMs: 5_000 },
  { untilVisibleMs: 180_000, everyMs: 15_000 },
  { untilVisibleMs: Number.POSITIVE_INFINITY, everyMs: 60_000 },
] as const;

/**
 * Browser JavaScript (as a string) shared by the page's script and the <pe-voucher> widget:
 * `fill` (the catalogue's `{name}` placeholders, as copy.es-PE.ts fills them on the server),
 * `remaining` (the countdown's words from the catalogue's units: days, hours, minutes, seconds)
 * and `statusPoller` (STATUS_POLL_STEPS, paused while hidden; `stop()` ends it).
 */
export const BROWSER_HELPERS = `
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (whole, name) { return name in values ? values[name] : whole; });
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
      return ${STATUS_POLL_STEPS.slice(0, -1)
        .map((step) => `shown < ${step.untilVisibleMs} ? ${step.everyMs} : `)
        .join('')}${STATUS_POLL_STEPS[STATUS_POLL_STEPS.length - 1]?.everyMs};
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
  }`;
