import { randomUUID } from 'node:crypto';
import { now, nowMs } from '#platform/clock';
import { dlocalAuthorization, dlocalSignature, signatureFromHeaders } from '#psp/dlocal/dlocal-signature';
import { type Delivery, HttpReply, postNotification } from './http-reply';
import type { SandboxCip, SandboxState, SandboxWalletOrder } from './state';

/**
 * dLocal's payments API as the sandbox speaks it, under `/dlocal/` on the sandbox's port: PagoEfectivo
 * sold as payment method `EF` (pagoefectivo-protocol.md §5). Requests are checked as dLocal checks
 * them (X-Login, X-Trans-Key, X-Date and the V2-HMAC-SHA256 signature; wrong → 401), creates
 * honour X-Idempotency-Key, and a ticket is a sandbox CIP like any other, so
 * `POST /_sandbox/cips/{cip}/pay` pays it — and then notifies in dLocal's shape and signature.
 * Yape one-shot (method `YP`, type WALLET, flow REDIRECT, PEN; docs.dlocal.com/docs/peru) is a
 * wallet order keyed by our option id (its `order_id`): `callback_url`, `notification_url` and
 * `device.type` are required (missing → 400 5001 naming it), the reply carries a `redirect_url`,
 * and `POST /_sandbox/wallets/{optionId}/pay` pays it, notifying as for a ticket.
 */
export interface DlocalSandboxOptions {
  login: string;
  transKey: string;
  secretKey: string;
}

type Json = Record<string, unknown>;
export interface DlocalReply {
  status: number;
  body: Json;
}

interface SandboxRefund {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: 'PENDING' | 'SUCCESS' | 'REJECTED' | 'CANCELLED';
  notificationUrl?: string;
  createdDate: string;
}

/** dLocal's three payment statuses, each with its status code and detail. */
const PENDING = ['PENDING', 100, 'The payment is pending.'] as const;
const PAID = ['PAID', 200, 'The payment was paid.'] as const;
const CANCELLED = ['CANCELLED', 400, 'The payment was cancelled.'] as const;

const STATUS = {
  generated: PENDING,
  paid: PAID,
  // dLocal has no EXPIRED: an unpaid ticket past its date is reported cancelled.
  expired: CANCELLED,
  deleted: CANCELLED,
} as const;

/** A payer document the sandbox treats as blacklisted (dLocal error 5014). */
export const BLACKLISTED_DOCUMENT = '99999999';

const error = (status: number, code: number, message: string, param?: string): DlocalReply => ({
  status,
  body: { code, message, ...(param ? { param } : {}) },
});

export function dlocalSandbox(
  state: SandboxState,
  options: DlocalSandboxOptions,
  effectiveStatus: (cip: SandboxCip) => SandboxCip['status'],
  baseUrl: () => string,
) {
  const idempotent = new Map<string, string>();
  const refunds = new Map<string, SandboxRefund>();

  const byPaymentId = (id: string) => [...state.cips.values()].find((cip) => cip.dlocal?.paymentId === id);
  const walletByPaymentId = (id: string) =>
    [...state.walletOrders.values()].find((order) => order.provider === 'dlocal' && order.providerRef === id);

  /** A Yape payment's status as dLocal names it (paid, pending, cancelled). */
  const YAPE_STATUS = { pending: PENDING, created: PENDING, paid: PAID, deleted: CANCELLED } as const;

  function yapeObject(order: SandboxWalletOrder): Json {
    const [status, code, detail] = YAPE_STATUS[order.state];
    return {
      id: order.providerRef,
      amount: order.amount / 100,
      currency: order.currency,
      country: 'PE',
      payment_method_id: 'YP',
      payment_method_type: 'WALLET',
      payment_method_flow: 'REDIRECT',
      created_date: new Date(order.createdAtMs).toISOString(),
      ...(order.paidAtMs === undefined ? {} : { approved_date: new Date(order.paidAtMs).toISOString() }),
      status,
      status_code: String(code),
      status_detail: detail,
      order_id: order.optionId,
      payer: { email: order.dlocal?.email },
      notification_url: order.dlocal?.notificationUrl,
      // Where the buyer goes to approve in Yape; once paid or cancelled there is nothing to open.
      ...(order.state === 'pending' ? { redirect_url: order.dlocal?.redirectUrl } : {}),
    };
  }

  /** `payment_method_id: "YP"`: checked as dLocal documents Yape one-shot for Peru. */
  function createYapePayment(body: Json, payer: Json): DlocalReply {
    if (body.payment_method_flow !== 'REDIRECT')
      return error(400, 5000, 'Invalid request: Yape is REDIRECT only', 'payment_method_flow');
    if (body.currency !== 'PEN')
      return error(400, 5004, 'Currency not allowed for this country.', 'currency');
    const device = (body.device ?? {}) as Json;
    for (const [name, value] of [
      ['callback_url', body.callback_url],
      ['notification_url', body.notification_url],
      ['device.type', device.type],
    ] as const) {
      if (typeof value !== 'string' || value === '')
        return error(400, 5001, `Missing parameter. ${name}`, name);
    }
    const orderId = String(body.order_id);
    if (state.walletOrders.has(orderId)) return error(400, 5009, 'Order ID is duplicated.', 'order_id');
    const paymentId = `D-4-${randomUUID()}`;
    const order: SandboxWalletOrder = {
      provider: 'dlocal',
      optionId: orderId,
      providerRef: paymentId,
      amount: Math.round((body.amount as number) * 100),
      currency: 'PEN',
      description: typeof body.description === 'string' ? body.description : '',
      state: 'pending',
      createdAtMs: nowMs(),
      // dLocal documents no lifetime for a Yape redirect: the sandbox's lasts until paid or cancelled.
      expiresAtMs: Number.MAX_SAFE_INTEGER,
      metadata: {},
      refundedAmount: 0,
      dlocal: {
        notificationUrl: String(body.notification_url),
        callbackUrl: String(body.callback_url),
        redirectUrl: `${baseUrl()}/_sandbox/yape/${encodeURIComponent(paymentId)}`,
        email: String(payer.email),
      },
    };
    state.walletOrders.set(orderId, order);
    state.save();
    return { status: 200, body: yapeObject(order) };
  }

  function paymentObject(cip: SandboxCip, overrides: { amount?: number; currency?: string } = {}): Json {
    const [status, code, detail] = STATUS[effectiveStatus(cip)];
    return {
      id: cip.dlocal?.paymentId,
      amount: overrides.amount ?? Number(cip.amount),
      currency: overrides.currency ?? cip.currency,
      country: 'PE',
      payment_method_id: 'EF',
      payment_method_type: 'TICKET',
      payment_method_flow: 'DIRECT',
      created_date: new Date(Date.parse(cip.dateCreation)).toISOString(),
      ...(cip.datePayment ? { approved_date: new Date(Date.parse(cip.datePayment)).toISOString() } : {}),
      status,
      status_code: String(code),
      status_detail: detail,
      order_id: cip.transactionCode,
      ...(cip.dlocal?.notificationUrl ? { notification_url: cip.dlocal.notificationUrl } : {}),
      ticket: {
        number: cip.cip,
        expiration_date: new Date(Date.parse(cip.dateExpiry)).toISOString(),
        id: cip.guid,
        image_url: `${baseUrl()}/vouchers/${cip.guid}.html`,
      },
    };
  }

  /** Signs and posts a notification as dLocal does: X-Date, X-Login, Authorization over the raw body. */
  async function notify(url: string, payload: Json): Promise<Delivery> {
    const body = JSON.stringify(payload);
    const date = now().toISOString();
    return postNotification(
      url,
      {
        'x-date': date,
        'x-login': options.login,
        authorization: dlocalAuthorization(dlocalSignature(options.secretKey, options.login, date, body)),
      },
      body,
    );
  }

  function authenticate(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): DlocalReply | undefined {
    const get = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const date = get('x-date');
    const given = signatureFromHeaders(get('authorization'), undefined);
    // Documented (HTTP errors, payments): bad credentials are 403 with code 3001, whichever part is wrong.
    if (
      get('x-login') !== options.login ||
      get('x-trans-key') !== options.transKey ||
      !date ||
      !given ||
      given !== dlocalSignature(options.secretKey, options.login, date, rawBody)
    ) {
      return error(403, 3001, 'Invalid Credentials.');
    }
    return undefined;
  }

  function createPayment(body: Json, idempotencyKey: string | undefined): DlocalReply {
    if (idempotencyKey && idempotent.has(idempotencyKey)) {
      const id = idempotent.get(idempotencyKey) ?? '';
      const existing = byPaymentId(id);
      if (existing) return { status: 200, body: paymentObject(existing) };
      const wallet = walletByPaymentId(id);
      if (wallet) return { status: 200, body: yapeObject(wallet) };
    }
    const payer = (body.payer ?? {}) as Json;
    if (body.country !== 'PE') return error(400, 5003, 'Country not supported.', 'country');
    if (body.payment_method_id !== 'EF' && body.payment_method_id !== 'YP')
      return error(400, 5010, 'Method not available.', 'payment_method_id');
    if (body.currency !== 'PEN' && body.currency !== 'USD')
      return error(400, 5004, 'Currency not allowed for this country.', 'currency');
    // Strict: dLocal would charge a USD amount in PEN unless `currency_to_charge: "USD"` is sent
    // (the buyer's ticket would not say what the merchant thinks); the sandbox refuses instead.
    if (body.currency === 'USD' && body.currency_to_charge !== 'USD')
      return error(
        400,
        5004,
        'Currency not allowed for this country: send currency_to_charge USD',
        'currency_to_charge',
      );
    if (typeof body.amount !== 'number' || !(body.amount > 0))
      return error(400, 5000, 'Invalid request: amount', 'amount');
    if (typeof body.order_id !== 'string' || body.order_id === '')
      return error(400, 5001, 'Missing parameter. order_id', 'order_id');
    // Peru's country page: the document is required, a DNI (8-9 digits) or a RUC (11 digits).
    if (payer.document === undefined)
      return error(400, 5001, 'Missing parameter. payer.document', 'payer.document');
    if (typeof payer.document !== 'string' || !/^(\d{8,9}|\d{11})$/.test(payer.document)) {
      return error(400, 5000, 'Invalid request: payer.document must be a DNI or a RUC', 'payer.document');
    }
    // 5014 is a blacklisted user: the sandbox's blacklist is one document (docs/providers.md).
    if (payer.document === BLACKLISTED_DOCUMENT) return error(400, 5014, 'User blacklisted.');
    if ([...state.cips.values()].some((cip) => cip.dlocal && cip.transactionCode === body.order_id)) {
      return error(400, 5009, 'Order ID is duplicated.', 'order_id');
    }
    if (typeof payer.email !== 'string' || !payer.email.includes('@'))
      return error(400, 5000, 'Invalid request: payer.email', 'payer.email');
    if (body.payment_method_id === 'YP') {
      const reply = createYapePayment(body, payer);
      if (idempotencyKey && reply.status === 200) idempotent.set(idempotencyKey, String(reply.body.id));
      return reply;
    }
    const cip: SandboxCip = {
      cip: String(state.nextCip++),
      currency: body.currency,
      amount: body.amount.toFixed(2),
      transactionCode: body.order_id,
      userEmail: payer.email,
      ...(typeof payer.name === 'string' ? { userName: payer.name } : {}),
      dateCreation: now().toISOString(),
      // Tickets sold through dLocal live three days; the merchant cannot choose.
      dateExpiry: new Date(now().getTime() + 3 * 86_400_000).toISOString(),
      status: 'generated',
      guid: randomUUID(),
      dlocal: {
        paymentId: `D-4-${randomUUID()}`,
        ...(typeof body.notification_url === 'string' ? { notificationUrl: body.notification_url } : {}),
      },
    };
    state.cips.set(cip.cip, cip);
    state.save();
    if (idempotencyKey) idempotent.set(idempotencyKey, cip.dlocal?.paymentId ?? '');
    return { status: 200, body: paymentObject(cip) };
  }

  function createRefund(body: Json, idempotencyKey: string | undefined): DlocalReply {
    if (idempotencyKey && idempotent.has(`refund:${idempotencyKey}`)) {
      const existing = refunds.get(idempotent.get(`refund:${idempotencyKey}`) ?? '');
      if (existing) return { status: 200, body: refundObject(existing) };
    }
    const wallet = walletByPaymentId(String(body.payment_id ?? ''));
    if (wallet) return createYapeRefund(wallet, body, idempotencyKey);
    const payment = byPaymentId(String(body.payment_id ?? ''));
    if (!payment) return error(404, 4000, 'Payment not found', 'payment_id');
    if (effectiveStatus(payment) !== 'paid')
      return error(400, 5002, 'Invalid transaction status.', 'payment_id');
    // A cash ticket is refunded by bank transfer: dLocal needs the buyer's account.
    // Strict where dLocal is lenient: dLocal e-mails the buyer for missing or invalid bank data
    // (docs "Refunds"), which a test would never see; the sandbox refuses what is invalid instead.
    if (typeof body.notification_url !== 'string' || body.notification_url === '') {
      return error(400, 5001, 'Missing parameter. notification_url', 'notification_url');
    }
    if (typeof body.bank_account !== 'string' || !/^\d{20}$/.test(body.bank_account)) {
      return error(400, 5000, 'Invalid request: bank_account (CCI, 20 digits)', 'bank_account');
    }
    if (body.bank_account_type !== undefined && !['C', 'S', 'I'].includes(String(body.bank_account_type))) {
      return error(400, 5000, 'Invalid request: bank_account_type is C, S or I', 'bank_account_type');
    }
    const refunded = [...refunds.values()]
      .filter((refund) => refund.paymentId === payment.dlocal?.paymentId && refund.status !== 'REJECTED')
      .reduce((sum, refund) => sum + refund.amount, 0);
    const amount = typeof body.amount === 'number' ? body.amount : Number(payment.amount);
    if (!(amount > 0) || Math.round((refunded + amount) * 100) > Math.round(Number(payment.amount) * 100)) {
      return error(400, 5000, 'Invalid request: amount exceeds what is left to refund', 'amount');
    }
    const refund: SandboxRefund = {
      id: `REF-${randomUUID()}`,
      paymentId: payment.dlocal?.paymentId ?? '',
      amount,
      currency: String(body.currency ?? payment.currency),
      status: 'PENDING',
      ...(typeof body.notification_url === 'string' ? { notificationUrl: body.notification_url } : {}),
      createdDate: now().toISOString(),
    };
    // The bank transfer completes a moment later, and dLocal says so.
    return acceptRefund(refund, idempotencyKey);
  }

  /** Keeps a refund just created (replayable by its idempotency key); it succeeds a moment later, notified. */
  function acceptRefund(refund: SandboxRefund, idempotencyKey: string | undefined): DlocalReply {
    refunds.set(refund.id, refund);
    if (idempotencyKey) idempotent.set(`refund:${idempotencyKey}`, refund.id);
    setTimeout(() => {
      refund.status = 'SUCCESS';
      if (refund.notificationUrl) void notify(refund.notificationUrl, refundObject(refund));
    }, 200).unref();
    return { status: 200, body: refundObject(refund) };
  }

  /** A Yape payment is refunded to the wallet it came from: no bank account is asked for. */
  function createYapeRefund(
    order: SandboxWalletOrder,
    body: Json,
    idempotencyKey: string | undefined,
  ): DlocalReply {
    if (order.state !== 'paid') return error(400, 5002, 'Invalid transaction status.', 'payment_id');
    // Documented as required (docs.dlocal.com/docs/refunds): the refund's outcome is only notified.
    if (typeof body.notification_url !== 'string' || body.notification_url === '') {
      return error(400, 5001, 'Missing parameter. notification_url', 'notification_url');
    }
    const amount =
      typeof body.amount === 'number' ? Math.round(body.amount * 100) : order.amount - order.refundedAmount;
    if (!(amount > 0) || amount > order.amount - order.refundedAmount) {
      return error(400, 5000, 'Invalid request: amount exceeds what is left to refund', 'amount');
    }
    if (body.currency !== undefined && body.currency !== order.currency)
      return error(400, 5000, 'Invalid request: currency', 'currency');
    const refund: SandboxRefund = {
      id: `REF-${randomUUID()}`,
      paymentId: order.providerRef,
      amount: amount / 100,
      currency: order.currency,
      status: 'PENDING',
      notificationUrl: body.notification_url,
      createdDate: now().toISOString(),
    };
    order.refundedAmount += amount;
    order.refunds = [...(order.refunds ?? []), { id: refund.id, amount, reason: 'refund' }];
    state.save();
    return acceptRefund(refund, idempotencyKey);
  }

  function refundObject(refund: SandboxRefund): Json {
    const code = { PENDING: 100, SUCCESS: 200, REJECTED: 300, CANCELLED: 400 }[refund.status];
    return {
      id: refund.id,
      payment_id: refund.paymentId,
      status: refund.status,
      status_code: code,
      amount: refund.amount,
      currency: refund.currency,
      created_date: refund.createdDate,
      ...(refund.notificationUrl ? { notification_url: refund.notificationUrl } : {}),
    };
  }

  return {
    /** Answers a `/dlocal/...` request, or undefined when the path is not dLocal's. */
    async route(
      method: string,
      path: string,
      headers: Record<string, string | string[] | undefined>,
      rawBody: Buffer,
    ): Promise<DlocalReply | undefined> {
      if (!path.startsWith('/dlocal/')) return undefined;
      const denied = authenticate(headers, rawBody);
      if (denied) return denied;
      let body: Json = {};
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody.toString('utf8')) as Json;
        } catch {
          return error(400, 5000, 'Invalid request body');
        }
      }
      const key = headers['x-idempotency-key'];
      const idempotencyKey = Array.isArray(key) ? key[0] : key;
      if (method === 'POST' && path === '/dlocal/payments') return createPayment(body, idempotencyKey);
      if (method === 'POST' && path === '/dlocal/refunds') return createRefund(body, idempotencyKey);
      const status = /^\/dlocal\/payments\/([^/]+)\/status$/.exec(path);
      if (method === 'GET' && status?.[1]) {
        const id = decodeURIComponent(status[1]);
        const cip = byPaymentId(id);
        const wallet = cip ? undefined : walletByPaymentId(id);
        if (!cip && !wallet) return error(404, 4000, 'Payment not found');
        const object = cip ? paymentObject(cip) : yapeObject(wallet as SandboxWalletOrder);
        // Documented: only these four (no amounts, no dates: callers must not rely on them).
        return {
          status: 200,
          body: {
            id: object.id,
            status: object.status,
            status_detail: object.status_detail,
            status_code: object.status_code,
          },
        };
      }
      // "Retrieve a payment": the whole payment object, `approved_date` included once paid.
      const single = /^\/dlocal\/payments\/([^/]+)$/.exec(path);
      if (method === 'GET' && single?.[1]) {
        const id = decodeURIComponent(single[1]);
        const cip = byPaymentId(id);
        if (cip) return { status: 200, body: paymentObject(cip) };
        const wallet = walletByPaymentId(id);
        return wallet ? { status: 200, body: yapeObject(wallet) } : error(404, 4000, 'Payment not found');
      }
      const cancel = /^\/dlocal\/payments\/([^/]+)\/cancel$/.exec(path);
      if (method === 'POST' && cancel?.[1]) {
        const id = decodeURIComponent(cancel[1]);
        const wallet = walletByPaymentId(id);
        if (wallet) {
          if (wallet.state === 'paid') return error(400, 5002, 'Invalid transaction status.');
          wallet.state = 'deleted';
          state.save();
          return { status: 200, body: yapeObject(wallet) };
        }
        const cip = byPaymentId(id);
        if (!cip) return error(404, 4000, 'Payment not found');
        const current = effectiveStatus(cip);
        if (current === 'paid') return error(400, 5002, 'Invalid transaction status.');
        cip.status = 'deleted';
        cip.dateRemoval = now().toISOString();
        state.save();
        return { status: 200, body: paymentObject(cip) };
      }
      return error(404, 4000, 'Resource not found');
    },

    /**
     * `POST /_sandbox/wallets/{optionId}/pay` `{notify, copies, ignoreDeletion}` for a Yape payment:
     * the buyer approved in Yape. Notified like a ticket (the payment object without
     * `approved_date`, signed), so the receiver matches it by `order_id` (our option id) and `id`.
     */
    async payWallet(order: SandboxWalletOrder, body: Json): Promise<HttpReply> {
      if (order.state === 'paid')
        return new HttpReply(409, { code: 409, message: 'The payment was already paid.' });
      // A buyer who approved as the merchant cancelled: the race a double payment comes from.
      if (order.state === 'deleted' && body.ignoreDeletion !== true)
        return new HttpReply(409, { code: 409, message: 'The payment was cancelled.' });
      order.state = 'paid';
      order.paidAtMs = nowMs();
      state.save();
      const notifyMerchant = body.notify !== false;
      const copies = typeof body.copies === 'number' ? Math.min(Math.max(Math.trunc(body.copies), 1), 50) : 1;
      const { approved_date: _approved, ...documented } = yapeObject(order);
      const deliveries = notifyMerchant
        ? await Promise.all(
            Array.from({ length: copies }, () => notify(order.dlocal?.notificationUrl ?? '', documented)),
          )
        : [];
      return new HttpReply(200, {
        optionId: order.optionId,
        paymentId: order.providerRef,
        notified: notifyMerchant,
        deliveries,
      });
    },

    /** `GET /_sandbox/wallets/{optionId}` for a Yape payment: dLocal's payment object and its refunds. */
    showWallet(order: SandboxWalletOrder): HttpReply {
      return new HttpReply(200, { ...yapeObject(order), refunds: order.refunds ?? [] });
    },

    /**
     * The PAID notification of a dLocal ticket the sandbox just marked paid, shaped like dLocal's
     * documented example (test/contracts/dlocal/notification-paid.json): the payment object
     * without `ticket` and without `approved_date`, so the receiver must match it by `id` and
     * `order_id` as it must in production.
     */
    notifyPaid(cip: SandboxCip, overrides: { amount?: number; currency?: string }) {
      const url = cip.dlocal?.notificationUrl;
      if (!url) return Promise.resolve({ status: null, error: 'no notification_url' });
      const { ticket: _ticket, approved_date: _approved, ...documented } = paymentObject(cip, overrides);
      return notify(url, documented);
    },
  };
}
