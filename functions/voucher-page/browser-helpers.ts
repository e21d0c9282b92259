/**
 * Browser JavaScript (as a string) shared by the page's script and the <pe-voucher> widget:
 * `fill` (the catalogue's `{name}` placeholders, as copy.es-PE.ts fills them on the server) and
 * `remaining` (the countdown's words from the catalogue's units: days, hours, minutes, seconds).
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
  }`;
