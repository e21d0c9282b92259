import { now } from '#platform/clock';
import { toLimaIso } from '#psp/pagoefectivo/lima-time';
import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { effectiveStatus } from './cips';
import type { dlocalSandbox } from './dlocal';
import { fail, HttpReply, type Json, postNotification } from './http-reply';
import type { SandboxCip, SandboxState } from './state';

/**
 * A buyer pays a CIP at an agent (`POST /_sandbox/cips/{cip}/pay`, a control PagoEfectivo has no
 * twin of) and the merchant is told: PagoEfectivo's `cip.paid` notification signed with
 * PE-Signature, or — for a ticket sold through dLocal — dLocal's. Copies rehearse redeliveries;
 * amount/currency overrides rehearse mismatches PagoEfectivo itself would never send.
 */
export function paymentDesk(
  state: SandboxState,
  notifications: { url: string; secretKey: string },
  dlocal: ReturnType<typeof dlocalSandbox>,
) {
  const deliver = (body: string) =>
    postNotification(
      notifications.url,
      { 'pe-signature': notificationSignature(notifications.secretKey, body) },
      body,
    );

  return {
    async pay(cip: SandboxCip | undefined, body: Json): Promise<HttpReply> {
      if (!cip) return fail(404, 130, 'CIP no encontrado.');
      const notify = body.notify !== false;
      const copies = typeof body.copies === 'number' ? Math.min(Math.max(Math.trunc(body.copies), 1), 50) : 1;
      const ignoreExpiry = body.ignoreExpiry === true;
      const status = effectiveStatus(cip);
      if (status === 'paid') return fail(409, 140, 'El CIP ya fue pagado.');
      // `ignoreDeletion`: the buyer paid at an agent as the merchant's deletion landed (a double payment).
      if (status === 'deleted' && body.ignoreDeletion !== true)
        return fail(409, 141, 'El CIP fue eliminado.');
      if (status === 'expired' && !ignoreExpiry)
        return fail(409, 142, 'El CIP expiró (use ignoreExpiry para simularlo).');
      cip.status = 'paid';
      cip.operationNumber = String(state.nextOperation++);
      cip.datePayment = toLimaIso(now());
      state.save();
      if (cip.dlocal) {
        // A ticket sold through dLocal: dLocal (not PagoEfectivo) tells the merchant, in its own shape.
        const overrides = {
          ...(typeof body.amount === 'number' ? { amount: body.amount } : {}),
          ...(typeof body.currency === 'string' ? { currency: body.currency } : {}),
        };
        const deliveries = notify
          ? await Promise.all(Array.from({ length: copies }, () => dlocal.notifyPaid(cip, overrides)))
          : [];
        return new HttpReply(200, {
          cip: cip.cip,
          paymentId: cip.dlocal.paymentId,
          notified: notify,
          deliveries,
        });
      }
      const notification = JSON.stringify({
        eventType: 'cip.paid',
        operationNumber: Number(cip.operationNumber),
        data: {
          cip: Number(cip.cip),
          currency: typeof body.currency === 'string' ? body.currency : cip.currency,
          amount: typeof body.amount === 'number' ? body.amount : Number(cip.amount),
          paymentDate: cip.datePayment,
          transactionCode: cip.transactionCode,
        },
      });
      const deliveries = notify
        ? await Promise.all(Array.from({ length: copies }, () => deliver(notification)))
        : [];
      return new HttpReply(200, {
        cip: cip.cip,
        operationNumber: cip.operationNumber,
        notified: notify,
        deliveries,
      });
    },
  };
}
