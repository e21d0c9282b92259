import { effectiveStatus, STATUS_NAMES } from './cips';
import { HttpReply } from './http-reply';
import type { SandboxState } from './state';

/** PagoEfectivo's own voucher page for a CIP (`cipUrl`): a bare stand-in, found by its guid. */
export function voucherPage(state: SandboxState, guid: string): HttpReply {
  const cip = [...state.cips.values()].find((candidate) => candidate.guid === guid);
  if (!cip || cip.status === 'deleted') return new HttpReply(404, 'Not found', 'text/plain');
  const html = `<!doctype html><html lang="es"><meta charset="utf-8"><title>CIP ${cip.cip}</title>
<h1>PagoEfectivo (sandbox)</h1><p>Código de pago (CIP): <strong>${cip.cip}</strong></p>
<p>Monto: ${cip.currency} ${cip.amount}</p><p>Vence: ${cip.dateExpiry}</p><p>Estado: ${STATUS_NAMES[effectiveStatus(cip)]}</p></html>`;
  return new HttpReply(200, html, 'text/html; charset=utf-8');
}
