import { randomBytes, timingSafeEqual } from 'node:crypto';
import { nowMs } from '#platform/clock';
import { type Delivery, HttpReply, type Json, postNotification } from './http-reply';
import type { SandboxState, SandboxWalletOrder } from './state';

export interface CulqiSandboxOptions {
  /** The merchant's secret API key (`Authorization: Bearer …` on every call). */
  secretKey: string;
  /** The basic-auth pair the sandbox sends its webhooks with (CulqiPanel's webhook setting). */
  webhookUser: string;
  webhookPassword: string;
}

/** Culqi's error shape: `{object:"error", type, merchant_message, user_message}`. */
const culqiError = (status: number, type: string, message: string, param?: string) =>
  new HttpReply(status, {
    object: 'error',
    type,
    merchant_message: message,
    user_message: message,
    ...(param ? { param } : {}),
  });

const id = (prefix: string) => `${prefix}_test_${randomBytes(8).toString('base64url')}`;
const LIMITS = { min: 600, max: 50_000 };

/**
 * A simulator of Culqi's orders API for wallet ("billeteras móviles") QR payments, under
 * `/culqi/v2/`, as its public API reference describes it (test/contracts/culqi): bearer secret
 * key, orders created and confirmed with `order_number`, read, deleted while unpaid, refunds on
 * the paying charge, and `order.status.changed` events posted to the merchant with basic auth.
 * Beyond Culqi's published order object it adds `qr` (the text the QR shows) and `charge_id`
 * (the paying charge, which refunds name) — decision 104. Faults: `POST /_sandbox/faults`
 * `{createWallet: ["error"|"timeout"|"reject"]}`.
 */
export function culqiSandbox(
  state: SandboxState,
  options: CulqiSandboxOptions,
  notificationUrl: string,
  faults: { nextWalletFault(email: string): Promise<HttpReply | undefined> },
) {
  function authenticated(authorization: string | undefined): boolean {
    const expected = Buffer.from(`Bearer ${options.secretKey}`);
    const given = Buffer.from(authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function orderObject(order: SandboxWalletOrder): Json {
    return {
      object: 'order',
      id: order.providerRef,
      amount: order.amount,
      payment_code: order.paymentCode,
      currency_code: order.currency,
      description: order.description,
      order_number: order.optionId,
      state: effectiveState(order),
      total_fee: null,
      net_amount: null,
      fee_details: null,
      creation_date: order.createdAtMs,
      expiration_date: Math.floor(order.expiresAtMs / 1000),
      updated_at: null,
      paid_at: order.paidAtMs === undefined ? null : Math.floor(order.paidAtMs / 1000),
      available_on: null,
      metadata: order.metadata,
      qr: order.qr,
      charge_id: order.chargeId ?? null,
    };
  }

  function effectiveState(order: SandboxWalletOrder): string {
    if (order.state === 'pending' && order.expiresAtMs <= nowMs()) return 'expired';
    return order.state;
  }

  async function createOrder(body: Json): Promise<HttpReply> {
    const client = (body.client_details ?? {}) as Json;
    const fault = await faults.nextWalletFault(typeof client.email === 'string' ? client.email : '');
    if (fault) return fault;
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount))
      return culqiError(400, 'invalid_request_error', 'El monto debe ser un entero en céntimos.', 'amount');
    if (body.currency_code !== 'PEN')
      return culqiError(400, 'invalid_request_error', 'Las billeteras solo aceptan PEN.', 'currency_code');
    if (amount < LIMITS.min || amount > LIMITS.max)
      return culqiError(400, 'invalid_request_error', 'El monto debe estar entre S/ 6 y S/ 500.', 'amount');
    const orderNumber = body.order_number;
    if (typeof orderNumber !== 'string' || orderNumber === '')
      return culqiError(400, 'parameter_error', 'order_number es obligatorio.', 'order_number');
    const expiration = body.expiration_date;
    if (typeof expiration !== 'number' || expiration * 1000 <= nowMs())
      return culqiError(400, 'parameter_error', 'expiration_date debe ser futura.', 'expiration_date');
    // One order per order number: a retried create answers with the first (ours are unique ids).
    const existing = state.walletOrders.get(orderNumber);
    if (existing) return new HttpReply(201, orderObject(existing));
    const providerRef = id('ord');
    const order: SandboxWalletOrder = {
      provider: 'culqi',
      optionId: orderNumber,
      providerRef,
      amount,
      currency: 'PEN',
      description: typeof body.description === 'string' ? body.description : '',
      paymentCode: String(state.nextOperation++),
      qr: `culqi://pay/${providerRef}?amount=${amount}`,
      state: 'pending',
      createdAtMs: nowMs(),
      expiresAtMs: expiration * 1000,
      metadata: (body.metadata ?? {}) as Json,
      refundedAmount: 0,
    };
    state.walletOrders.set(orderNumber, order);
    state.save();
    return new HttpReply(201, orderObject(order));
  }

  const byRef = (ref: string) =>
    [...state.walletOrders.values()].find((order) => order.provider === 'culqi' && order.providerRef === ref);

  function deleteOrder(order: SandboxWalletOrder | undefined): HttpReply {
    if (!order) return culqiError(404, 'invalid_request_error', 'La orden no existe.');
    const current = effectiveState(order);
    if (current !== 'pending' && current !== 'created')
      return culqiError(400, 'invalid_request_error', `No se puede eliminar una orden en estado ${current}.`);
    order.state = 'deleted';
    state.save();
    return new HttpReply(200, {
      id: order.providerRef,
      deleted: true,
      merchant_message: 'Se eliminó la orden.',
    });
  }

  function refund(body: Json): HttpReply {
    const chargeId = body.charge_id;
    const order = [...state.walletOrders.values()].find(
      (candidate) => candidate.chargeId !== undefined && candidate.chargeId === chargeId,
    );
    if (!order) return culqiError(404, 'invalid_request_error', 'El cargo no existe.', 'charge_id');
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0)
      return culqiError(400, 'invalid_request_error', 'Monto inválido.', 'amount');
    if (amount > order.amount - order.refundedAmount)
      return culqiError(400, 'invalid_request_error', 'El monto supera lo que queda por devolver.', 'amount');
    if (!['solicitud_comprador', 'duplicado', 'fraudulento'].includes(String(body.reason)))
      return culqiError(400, 'parameter_error', 'reason no es válido.', 'reason');
    order.refundedAmount += amount;
    const refundId = id('ref');
    order.refunds = [...(order.refunds ?? []), { id: refundId, amount, reason: String(body.reason) }];
    state.save();
    return new HttpReply(201, {
      object: 'refund',
      id: refundId,
      charge_id: chargeId,
      creation_date: nowMs(),
      amount,
      reason: body.reason,
      metadata: {},
    });
  }

  async function notify(order: SandboxWalletOrder): Promise<Delivery> {
    const body = JSON.stringify({
      object: 'event',
      id: id('evt'),
      type: 'order.status.changed',
      creation_date: nowMs(),
      // Culqi sends the order as a JSON string inside the event.
      data: JSON.stringify(orderObject(order)),
    });
    const basic = Buffer.from(`${options.webhookUser}:${options.webhookPassword}`).toString('base64');
    return postNotification(notificationUrl, { authorization: `Basic ${basic}` }, body);
  }

  return {
    async route(method: string, path: string, authorization: string | undefined, body: Json) {
      if (!path.startsWith('/culqi/v2/')) return undefined;
      if (!authenticated(authorization))
        return culqiError(401, 'authentication_error', 'La llave secreta no es válida.');
      if (method === 'POST' && path === '/culqi/v2/orders') return createOrder(body);
      if (method === 'POST' && path === '/culqi/v2/refunds') return refund(body);
      const single = /^\/culqi\/v2\/orders\/([\w-]+)$/.exec(path);
      if (single?.[1]) {
        const order = byRef(single[1]);
        if (method === 'GET')
          return order
            ? new HttpReply(200, orderObject(order))
            : culqiError(404, 'invalid_request_error', 'La orden no existe.');
        if (method === 'DELETE') return deleteOrder(order);
      }
      return culqiError(404, 'invalid_request_error', 'Recurso no encontrado.');
    },

    /** `POST /_sandbox/wallets/{optionId}/pay` `{notify, copies, ignoreDeletion}`: a buyer scans and pays. */
    async pay(optionId: string, body: Json): Promise<HttpReply> {
      const order = state.walletOrders.get(optionId);
      if (!order) return new HttpReply(404, { code: 404, message: 'No hay orden de billetera con ese id.' });
      const current = effectiveState(order);
      if (current === 'paid') return new HttpReply(409, { code: 409, message: 'La orden ya fue pagada.' });
      if (current === 'expired' && body.ignoreExpiry !== true)
        return new HttpReply(409, { code: 409, message: 'La orden expiró.' });
      // A buyer who scanned before the merchant deleted the order, paid as the deletion landed.
      if (current === 'deleted' && body.ignoreDeletion !== true)
        return new HttpReply(409, { code: 409, message: 'La orden fue eliminada.' });
      order.state = 'paid';
      order.paidAtMs = nowMs();
      order.chargeId = id('chr');
      state.save();
      const notifyMerchant = body.notify !== false;
      const copies = typeof body.copies === 'number' ? Math.min(Math.max(Math.trunc(body.copies), 1), 50) : 1;
      const deliveries = notifyMerchant
        ? await Promise.all(Array.from({ length: copies }, () => notify(order)))
        : [];
      return new HttpReply(200, {
        optionId,
        orderId: order.providerRef,
        chargeId: order.chargeId,
        notified: notifyMerchant,
        deliveries,
      });
    },

    /** `GET /_sandbox/wallets/{optionId}`: the wallet order as the sandbox holds it (for tests). */
    show(optionId: string): HttpReply {
      const order = state.walletOrders.get(optionId);
      return order
        ? new HttpReply(200, { ...orderObject(order), refunds: order.refunds ?? [] })
        : new HttpReply(404, { code: 404, message: 'No hay orden de billetera con ese id.' });
    },
  };
}
