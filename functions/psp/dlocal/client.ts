import * as z from 'zod/mini';
import { SERVICE } from '#contract/service';
import { decimalToMinor, minorToDecimal } from '#model/money';
import { PspRejectedError, PspUnavailableError } from '#platform/errors';
import { logger } from '#platform/powertools';
import { schemasOnFirstUse } from '#platform/schema';
import { callPsp, type PspResponse } from '../http-call';
import type {
  ChangeExpiryOutcome,
  CipState,
  CipStatus,
  CreatedVoucher,
  CreateVoucherInput,
  DeleteCipOutcome,
  ProviderRefund,
  ProviderRefundInput,
  ProviderRefundStatus,
  PspProvider,
  VoucherRef,
} from '../provider';
import { dlocalAuthorization, dlocalSignature } from './dlocal-signature';

export interface DlocalCredentials {
  login: string;
  transKey: string;
  secretKey: string;
}

export interface DlocalClientOptions {
  baseUrl: string;
  credentials: () => Promise<DlocalCredentials>;
  now: () => Date;
  timeoutMs: number;
  /** Our `/webhooks/dlocal` (payments and refunds); absent: the URL set in dLocal's merchant panel. */
  notificationUrl?: string;
}

/** dLocal's payment statuses and codes (an unpaid ticket past its date turns EXPIRED, or CANCELLED). */
const PAYMENT_STATES: Record<string, CipState> = {
  PENDING: 'pending',
  PAID: 'paid',
  REJECTED: 'deleted',
  CANCELLED: 'deleted',
  EXPIRED: 'expired',
};
/** dLocal's `bank_account_type` codes (C current, S savings; I international is not ours to send). */
const DLOCAL_ACCOUNT_TYPES = { checking: 'C', savings: 'S' } as const;
/** Status lookups in flight at once (dLocal has no batch search). */
const STATUS_CONCURRENCY = 5;
const REFUND_STATES: Record<string, ProviderRefundStatus> = {
  PENDING: 'pending',
  SUCCESS: 'succeeded',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
};

// zod/mini: these replies are all the classic API would be loaded for in the functions that call
// dLocal (expire, sync, cancel, extend, review), ~7 ms of each cold start (decision 57).
const replySchemas = /* @__PURE__ */ schemasOnFirstUse(() => {
  const asText = () => z.pipe(z.union([z.string(), z.number()]), z.transform(String));
  return {
    CreatedPayment: z.object({
      id: z.string().check(z.minLength(1)),
      status: z.string(),
      ticket: z.object({
        number: asText(),
        expiration_date: z.string().check(z.minLength(1)),
        id: z.optional(asText()),
        image_url: z.optional(z.url()),
      }),
    }),
    PaymentStatus: z.object({
      status: z.string(),
      status_code: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(Number))),
      amount: z.optional(z.union([z.string(), z.number()])),
      currency: z.optional(z.string()),
      order_id: z.optional(z.string()),
      approved_date: z.optional(z.nullable(z.string())),
    }),
    /** `GET /payments/{id}`: the payment object; only what dates a paid one is read. */
    Payment: z.object({
      id: z.string(),
      status: z.string(),
      approved_date: z.optional(z.nullable(z.string())),
    }),
    RefundReply: z.object({ id: z.string().check(z.minLength(1)), status: z.string() }),
    ErrorBody: z.looseObject({ code: z.optional(z.coerce.number()), message: z.optional(z.string()) }),
  };
});

/**
 * PagoEfectivo through dLocal (payment method `EF`, flow `DIRECT`, country `PE`): the reseller's
 * API as pagoefectivo-protocol.md §5 and dLocal's public docs describe it. Every request is signed
 * (`X-Date`, `X-Login`, `X-Trans-Key`, `X-Version: 2.1`, `Authorization: V2-HMAC-SHA256,
 * Signature: …`); creates carry `X-Idempotency-Key` = our order id, so a retried create can never
 * mint a second ticket at dLocal.
 */
export class DlocalClient implements PspProvider {
  readonly name = 'dlocal' as const;
  /** Peru's country page: the payer's document is a DNI or a RUC, nothing else. */
  readonly payerDocumentTypes = ['DNI', 'RUC'] as const;
  /** Built with the client, so the stage's client (created at init) carries their cost. */
  private readonly replies = replySchemas();

  constructor(readonly options: DlocalClientOptions) {}

  async createVoucher(input: CreateVoucherInput): Promise<CreatedVoucher> {
    const name = [input.userName, input.userLastName].filter(Boolean).join(' ');
    const body = {
      amount: Number(minorToDecimal(input.amountMinor)),
      currency: input.currency,
      // Peru's country page: charged in PEN unless asked otherwise; a USD order is a USD ticket (decision 87).
      ...(input.currency === 'USD' ? { currency_to_charge: 'USD' } : {}),
      country: 'PE',
      payment_method_id: 'EF',
      payment_method_flow: 'DIRECT',
      order_id: input.transactionCode,
      description: input.paymentConcept,
      ...(this.options.notificationUrl ? { notification_url: this.options.notificationUrl } : {}),
      payer: {
        name: name || input.userEmail,
        email: input.userEmail,
        document: input.userDocumentNumber,
        ...(input.userPhone ? { phone: input.userPhone } : {}),
      },
    };
    const response = await this.send('POST', '/payments', body, input.transactionCode);
    if (response.status === 200 || response.status === 201) {
      const parsed = this.replies.CreatedPayment.safeParse(response.body);
      if (parsed.success) {
        const expiresAt = new Date(parsed.data.ticket.expiration_date);
        return {
          cip: parsed.data.ticket.number,
          url: parsed.data.ticket.image_url ?? `${this.options.baseUrl}/payments/${parsed.data.id}`,
          expiresAt: Number.isNaN(expiresAt.getTime()) ? input.expiresAt : expiresAt,
          providerPaymentId: parsed.data.id,
        };
      }
    }
    throw this.failure('create a ticket', response);
  }

  /**
   * One `GET /payments/{id}/status` per voucher (dLocal has no batch search), a few at a time: a
   * batch of 25 costs ~5 round trips instead of 25, and dLocal sees at most 5 at once from us.
   */
  async searchVouchers(vouchers: readonly VoucherRef[]): Promise<CipStatus[]> {
    const found: CipStatus[] = [];
    for (let start = 0; start < vouchers.length; start += STATUS_CONCURRENCY) {
      const answers = await Promise.all(
        vouchers.slice(start, start + STATUS_CONCURRENCY).map((voucher) => this.status(voucher)),
      );
      for (const answer of answers) if (answer !== undefined) found.push(answer);
    }
    return found;
  }

  private async status(voucher: VoucherRef): Promise<CipStatus | undefined> {
    if (voucher.providerPaymentId === undefined) return undefined;
    const response = await this.send(
      'GET',
      `/payments/${encodeURIComponent(voucher.providerPaymentId)}/status`,
    );
    if (response.status === 404) return undefined;
    const parsed = this.replies.PaymentStatus.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) throw this.failure('read a payment status', response);
    return {
      cip: voucher.cip,
      state: PAYMENT_STATES[parsed.data.status] ?? 'unknown',
      statusCode: parsed.data.status_code,
      transactionCode: parsed.data.order_id,
      amountMinor: parsed.data.amount === undefined ? undefined : decimalToMinor(parsed.data.amount),
      currency: parsed.data.currency,
      paidAt: parsed.data.approved_date ? new Date(parsed.data.approved_date) : undefined,
    };
  }

  /**
   * `GET /payments/{id}` ("Retrieve a payment") per voucher, a few at a time: the payment object,
   * whose `approved_date` is dLocal's payment date (the status reply carries no date). A payment
   * not PAID, or without a readable `approved_date`, is left out.
   */
  async paymentDates(vouchers: readonly VoucherRef[]): Promise<Map<string, Date>> {
    const dates = new Map<string, Date>();
    for (let start = 0; start < vouchers.length; start += STATUS_CONCURRENCY) {
      const slice = vouchers.slice(start, start + STATUS_CONCURRENCY);
      const answers = await Promise.all(slice.map((voucher) => this.approvedDate(voucher)));
      slice.forEach((voucher, index) => {
        const date = answers[index];
        if (date !== undefined) dates.set(voucher.cip, date);
      });
    }
    return dates;
  }

  private async approvedDate(voucher: VoucherRef): Promise<Date | undefined> {
    if (voucher.providerPaymentId === undefined) return undefined;
    const response = await this.send('GET', `/payments/${encodeURIComponent(voucher.providerPaymentId)}`);
    if (response.status === 404) return undefined;
    const parsed = this.replies.Payment.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) throw this.failure('read a payment', response);
    if (parsed.data.status !== 'PAID' || !parsed.data.approved_date) return undefined;
    const date = new Date(parsed.data.approved_date);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }

  async deleteVoucher(voucher: VoucherRef): Promise<DeleteCipOutcome> {
    if (voucher.providerPaymentId === undefined) return 'not_found';
    const response = await this.send(
      'POST',
      `/payments/${encodeURIComponent(voucher.providerPaymentId)}/cancel`,
      {},
    );
    if (response.status >= 200 && response.status < 300) return 'deleted';
    if (response.status === 404) return 'not_found';
    if (response.status >= 400 && response.status < 500) return 'not_deletable';
    throw this.failure('cancel a payment', response);
  }

  /** dLocal offers no way to move a ticket's deadline. */
  async changeVoucherExpiry(_voucher: VoucherRef, _expiresAt: Date): Promise<ChangeExpiryOutcome> {
    return { outcome: 'not_supported' };
  }

  /** `POST /refunds` for a paid ticket: a cash payment comes back by bank transfer to the buyer's account. */
  async refund(input: ProviderRefundInput): Promise<ProviderRefund> {
    if (input.voucher.providerPaymentId === undefined) {
      throw new PspRejectedError('This order has no dLocal payment id to refund.', {});
    }
    const { cci, accountType, bank } = input.bankAccount;
    // dLocal's documented refund fields (docs "Make a refund"): the account, its type as dLocal's
    // code (C current / S savings; a CCI is a number, not a type), the bank and branch codes
    // (a CCI's digits 1-3 and 4-6), and where to notify. What is missing or invalid, dLocal asks
    // the buyer for by e-mail: an unknown account type is left out rather than guessed.
    const body = {
      payment_id: input.voucher.providerPaymentId,
      amount: Number(minorToDecimal(input.amountMinor)),
      currency: input.currency,
      ...(this.options.notificationUrl ? { notification_url: this.options.notificationUrl } : {}),
      order_refund_id: input.refundId,
      bank_account: cci,
      ...(accountType ? { bank_account_type: DLOCAL_ACCOUNT_TYPES[accountType] } : {}),
      ...(bank ? { bank } : {}),
      bank_code: cci.slice(0, 3),
      bank_branch: cci.slice(3, 6),
      beneficiary_name: input.bankAccount.holderName,
      beneficiary_document_type: input.bankAccount.documentType,
      beneficiary_document: input.bankAccount.documentNumber,
    };
    const response = await this.send('POST', '/refunds', body, input.refundId);
    const parsed = this.replies.RefundReply.safeParse(response.body);
    if ((response.status === 200 || response.status === 201) && parsed.success) {
      return { providerRefundId: parsed.data.id, status: REFUND_STATES[parsed.data.status] ?? 'pending' };
    }
    throw this.failure('refund a payment', response);
  }

  /** A signed call; the Yape adapter (dlocal/yape.ts) shares it. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<PspResponse> {
    const { login, transKey, secretKey } = await this.options.credentials();
    const text = body === undefined ? '' : JSON.stringify(body);
    const date = this.options.now().toISOString();
    return callPsp(
      'dLocal',
      new URL(path.replace(/^\//, ''), `${this.options.baseUrl.replace(/\/+$/, '')}/`),
      {
        method,
        headers: {
          'content-type': 'application/json',
          'x-date': date,
          'x-login': login,
          'x-trans-key': transKey,
          'x-version': '2.1',
          'user-agent': SERVICE.name,
          authorization: dlocalAuthorization(dlocalSignature(secretKey, login, date, text)),
          ...(idempotencyKey ? { 'x-idempotency-key': idempotencyKey } : {}),
        },
        ...(method === 'GET' ? {} : { body: text }),
      },
      this.options.timeoutMs,
    );
  }

  failure(action: string, response: PspResponse): Error {
    const parsed = this.replies.ErrorBody.safeParse(response.body);
    if (
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 401 &&
      response.status !== 403
    ) {
      return new PspRejectedError(
        `dLocal refused to ${action}: ${(parsed.success && parsed.data.message) || `HTTP ${response.status}`}`,
        { pspCode: parsed.success ? parsed.data.code : undefined },
      );
    }
    logger.error('Unexpected dLocal answer', { action, status: response.status, body: response.body });
    return new PspUnavailableError(`dLocal could not ${action} (HTTP ${response.status}).`, 502);
  }
}
