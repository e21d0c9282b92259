import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE, problem } from '#contract/problem-document';
import { now } from '#platform/clock';
import { zodIssuesToFields } from '#platform/http';
import { toLimaIso } from '#psp/pagoefectivo/lima-time';
import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { effectiveStatus } from './cips';
import type { dlocalSandbox } from './dlocal';
import { fail, HttpReply, type Json, postNotification } from './http-reply';
import type { SandboxCip, SandboxState } from './state';

/**
 * `POST /_sandbox/wallets/{optionId}/pay`'s body: the controls every payment takes (a wallet
 * charge is for the order's amount; there is no amount or currency to override).
 * `ignoreDeletion` pays what the merchant already deleted (a double payment).
 */
export const WalletPayControlSchema = z.strictObject({
  notify: z.boolean().optional(),
  copies: z.number().optional(),
  ignoreExpiry: z.boolean().optional(),
  ignoreDeletion: z.boolean().optional(),
});

/**
 * `POST /_sandbox/cips/{cip}/pay`'s body (README, "Sandbox controls"): the wallet's controls, and
 * `amount`, what the notification says was paid, a JSON number in the CIP's currency's major units
 * (soles: 149.99), as PagoEfectivo writes it. Anything else, or a field of another type, is a 400
 * naming it — never silently ignored.
 */
const PayControlSchema = WalletPayControlSchema.extend({
  amount: z.number().optional(),
  currency: z.string().optional(),
});

/**
 * A control's body, or the 400 naming each wrong field: an unknown field is named itself (a typo
 * such as `ignoreDeletions`), not as `body`.
 */
export function parseControl<T>(schema: z.ZodType<T>, json: Json): T | HttpReply {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  return new HttpReply(
    400,
    problem(400, 'validation_failed', 'The control’s body is not valid.', {
      errors: parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((field) => ({ field, message: 'Not a field of this control.' }))
          : zodIssuesToFields([issue]),
      ),
    }),
    PROBLEM_CONTENT_TYPE,
  );
}

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
    async pay(cip: SandboxCip | undefined, json: Json): Promise<HttpReply> {
      const parsed = parseControl(PayControlSchema, json);
      if (parsed instanceof HttpReply) return parsed;
      const body = parsed;
      if (!cip) return fail(404, 130, 'CIP no encontrado.');
      const notify = body.notify !== false;
      const copies = body.copies === undefined ? 1 : Math.min(Math.max(Math.trunc(body.copies), 1), 50);
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
          ...(body.amount === undefined ? {} : { amount: body.amount }),
          ...(body.currency === undefined ? {} : { currency: body.currency }),
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
          currency: body.currency ?? cip.currency,
          amount: body.amount ?? Number(cip.amount),
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
