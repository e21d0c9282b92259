import { randomUUID } from 'node:crypto';
import { now, nowMs } from '#platform/clock';
import { toLimaIso } from '#psp/pagoefectivo/lima-time';
import { fail, HttpReply, type Json } from './http-reply';
import type { SandboxCip, SandboxState } from './state';

/** Codes the sandbox answers with. Only 100 (success) and 23 (Pagado) are documented. */
const STATUS_CODES = { generated: 22, paid: 23, expired: 21, deleted: 24 } as const;
export const STATUS_NAMES = {
  generated: 'Generado',
  paid: 'Pagado',
  expired: 'Expirado',
  deleted: 'Eliminado',
} as const;
const NO_DATE = '1900-01-01T00:00:00-05:00';
const MAX_EXPIRY_MS = 183 * 24 * 3600_000;

/** A generated CIP past its deadline is expired, whether or not anyone looked. */
export function effectiveStatus(cip: SandboxCip): SandboxCip['status'] {
  if (cip.status === 'generated' && Date.parse(cip.dateExpiry) <= nowMs()) return 'expired';
  return cip.status;
}

/**
 * PagoEfectivo's CIP API: create (`POST /v1/cips`, the field rules the real one applies), search
 * (`POST /v1/cips/search`, which answers success with code 502 — the real API's quirk), move the
 * deadline (`PATCH /v1/cips/{cip}`) and delete (`DELETE /v1/cips/{cip}`).
 */
export function cipDesk(state: SandboxState, baseUrl: () => string) {
  function searchItem(cip: SandboxCip): Json {
    const status = effectiveStatus(cip);
    return {
      cip: Number(cip.cip),
      transactionCode: cip.transactionCode,
      amount: Number(cip.amount),
      currency: cip.currency,
      status: STATUS_CODES[status],
      statusName: STATUS_NAMES[status],
      dateCreation: cip.dateCreation,
      dateExpiry: cip.dateExpiry,
      datePayment: cip.datePayment ?? NO_DATE,
      dateRemoval: cip.dateRemoval ?? NO_DATE,
    };
  }

  return {
    create(body: Json): HttpReply {
      const { currency, amount, transactionCode, userEmail, dateExpiry } = body;
      if (currency !== 'PEN' && currency !== 'USD')
        return fail(400, 120, 'currency debe ser PEN o USD.', 'currency');
      const amountText = typeof amount === 'number' ? String(amount) : amount;
      if (
        typeof amountText !== 'string' ||
        !/^\d+(\.\d{1,2})?$/.test(amountText) ||
        Number(amountText) <= 0
      ) {
        return fail(400, 121, 'amount debe ser un decimal mayor a cero con hasta 2 decimales.', 'amount');
      }
      if (
        typeof transactionCode !== 'string' ||
        transactionCode.trim() === '' ||
        transactionCode.length > 64
      ) {
        return fail(400, 122, 'transactionCode es obligatorio.', 'transactionCode');
      }
      if (typeof userEmail !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(userEmail)) {
        return fail(400, 123, 'userEmail no es un correo válido.', 'userEmail');
      }
      let expiry = nowMs() + 24 * 3600_000;
      if (dateExpiry !== undefined) {
        if (
          typeof dateExpiry !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/.test(dateExpiry)
        ) {
          return fail(400, 124, 'dateExpiry debe incluir el desfase horario.', 'dateExpiry');
        }
        expiry = Date.parse(dateExpiry);
        if (!(expiry > nowMs()) || expiry - nowMs() > MAX_EXPIRY_MS) {
          return fail(400, 125, 'dateExpiry debe ser futura y menor a 6 meses.', 'dateExpiry');
        }
      }
      const cip: SandboxCip = {
        cip: String(state.nextCip++),
        currency,
        amount: Number(amountText).toFixed(2),
        transactionCode,
        userEmail,
        ...(typeof body.userName === 'string' ? { userName: body.userName } : {}),
        dateCreation: toLimaIso(now()),
        dateExpiry: toLimaIso(new Date(expiry)),
        status: 'generated',
        guid: randomUUID(),
      };
      state.cips.set(cip.cip, cip);
      state.save();
      return new HttpReply(201, {
        code: 100,
        message: 'Solicitud exitosa.',
        data: {
          cip: Number(cip.cip),
          currency: cip.currency,
          amount: Number(cip.amount),
          transactionCode: cip.transactionCode,
          dateExpiry: cip.dateExpiry,
          cipUrl: `${baseUrl()}/vouchers/${cip.guid}.html`,
        },
      });
    },

    search(body: Json): HttpReply {
      const wanted = Array.isArray(body.data) ? body.data : [];
      const items = wanted.flatMap((entry) => {
        const cip = state.cips.get(String((entry as Json).cip));
        return cip ? [searchItem(cip)] : [];
      });
      return new HttpReply(200, { code: 502, message: 'Consulta exitosa', data: items });
    },

    changeExpiry(cip: SandboxCip | undefined, body: Json): HttpReply {
      if (!cip) return fail(404, 130, 'CIP no encontrado.');
      const status = effectiveStatus(cip);
      if (status === 'paid' || status === 'deleted')
        return fail(400, 131, `CIP ${STATUS_NAMES[status].toLowerCase()}.`);
      const expiry = typeof body.dateExpiry === 'string' ? Date.parse(body.dateExpiry) : Number.NaN;
      if (!(expiry > nowMs())) return fail(400, 125, 'dateExpiry debe ser futura.', 'dateExpiry');
      cip.dateExpiry = toLimaIso(new Date(expiry));
      cip.status = 'generated';
      state.save();
      return new HttpReply(200, { code: 100, message: 'Solicitud exitosa.', data: searchItem(cip) });
    },

    delete(cip: SandboxCip | undefined): HttpReply {
      if (!cip) return fail(404, 130, 'CIP no encontrado.');
      const status = effectiveStatus(cip);
      if (status === 'paid' || status === 'deleted') {
        return fail(400, 132, `El CIP no puede eliminarse: está ${STATUS_NAMES[status].toLowerCase()}.`);
      }
      cip.status = 'deleted';
      cip.dateRemoval = toLimaIso(now());
      state.save();
      return new HttpReply(200, { code: 100, message: 'Solicitud exitosa.', data: { cip: Number(cip.cip) } });
    },
  };
}
