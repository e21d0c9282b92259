/**
 * The voucher's look, shared by the page and the <pe-voucher> widget (where it lives in a shadow
 * root, so nothing leaks into the marketplace's page). System fonts only: no third-party requests.
 * Colours keep WCAG AA contrast (axe-core checks it in test/e2e/browser).
 */
export const VOUCHER_CSS = `
.pe-voucher{--ink:#1a1a1a;--muted:#4a4a4a;--line:#d0d0d0;--accent:#7a1f00;--paper:#fff;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
  background:var(--paper);max-width:36em;margin:0 auto;padding:1em}
.pe-voucher h1{font-size:1.5em;margin:0}
.pe-voucher .greeting,.pe-voucher .marketplace,.pe-voucher .status-message{overflow-wrap:anywhere}
.pe-voucher .greeting{margin:.25em 0 0}
.pe-voucher h2,.pe-voucher h3{font-size:1em;margin:1.25em 0 .25em;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.pe-voucher .marketplace{font-weight:700;margin:0;color:var(--muted)}
.pe-voucher .status{border:2px solid var(--line);border-radius:.5em;padding:.5em .75em;margin:.5em 0 1em;
  display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .75em}
.pe-voucher .status h2{margin:0}
.pe-voucher .badge{display:inline-block;font-weight:700;font-size:1.125em;margin:0}
.pe-voucher .status-message{flex-basis:100%;margin:0;font-size:.875em}
.pe-voucher .option{border:2px solid var(--line);border-radius:.5em;padding:.25em .75em .75em;margin:1em 0}
.pe-voucher .option-head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 .75em}
.pe-voucher .option-head h2{margin:.5em 0 .25em;color:var(--ink)}
.pe-voucher .option-badge{margin:0;font-weight:700;font-size:.875em}
.pe-voucher [data-option-state=paid] .option-badge{color:#1e6b32}
.pe-voucher .facts{display:block;margin:0}
.pe-voucher .facts>div{margin:.25em 0}
.pe-voucher .facts dt{font-size:.875em}
.pe-voucher .note{font-size:.875em;margin:.25em 0}
.pe-voucher .qr svg{display:block;width:100%;max-width:16em;height:auto;margin:.5em 0}
.pe-voucher a.button{display:inline-block;font-weight:700;padding:.6em 1em;border-radius:.5em;background:var(--ink);color:#fff;text-decoration:none;min-height:44px;box-sizing:border-box}
@media (max-width:47.99em){.pe-voucher .wide-only{display:none}}
@media (min-width:48em){.pe-voucher .narrow-only{display:none}}
.pe-voucher[data-status=PENDING_PAYMENT] .status{border-color:#8a5a00;background:#fff8e6}
.pe-voucher[data-status=PAID] .status,.pe-voucher[data-status=FULFILLED] .status,
.pe-voucher[data-status=PAID_LATE] .status{border-color:#1e6b32;background:#ecf8ef}
.pe-voucher[data-status=EXPIRED] .status,.pe-voucher[data-status=CANCELLED] .status{border-color:#a61b1b;background:#fdeeee}
.pe-voucher dl{display:grid;grid-template-columns:auto 1fr;gap:.25em 1em;margin:0}
.pe-voucher dt{color:var(--muted)}
.pe-voucher dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.pe-voucher .amount{font-size:1.5em;font-weight:800}
.pe-voucher .deadline-text{font-size:1.125em;font-weight:800;color:var(--accent)}
.pe-voucher .countdown{font-variant-numeric:tabular-nums;font-weight:600;margin:.25em 0}
.pe-voucher .cip{font:800 2em/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.08em;margin:.25em 0;overflow-wrap:anywhere}
.pe-voucher .barcode svg{display:block;width:100%;max-width:28em;height:auto;margin:.5em 0}
.pe-voucher button{font:inherit;font-weight:700;padding:.6em 1em;border-radius:.5em;border:2px solid var(--ink);background:var(--ink);color:#fff;cursor:pointer;min-height:44px}
.pe-voucher button.secondary{background:#fff;color:var(--ink)}
.pe-voucher a{color:#0b4f9c}
.pe-voucher ol{padding-left:1.25em}
.pe-voucher footer{margin-top:2em;color:var(--muted);font-size:.875em}
.pe-voucher [hidden]{display:none!important}
@media print{.pe-voucher button,.pe-voucher .countdown,.pe-voucher .no-print{display:none!important}
  .pe-voucher{max-width:none;padding:0}.pe-voucher .status{background:none}}
`.trim();
