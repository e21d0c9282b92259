import * as z from 'zod/mini';
import { decimalToMinor, minorToDecimal } from '#model/money';
import { MIN_CALL_MS, timeLeftMs } from '#platform/deadline';
import { PspRejectedError, PspUnavailableError } from '#platform/errors';
import { logger } from '#platform/powertools';
import { callPsp, type PspResponse } from '../http-call';
import type {
  ChangeExpiryOutcome,
  CipState,
  CipStatus,
  CreateVoucherInput as CreateCipInput,
  CreatedVoucher as CreatedCip,
  DeleteCipOutcome,
} from '../provider';
import type { PspCredentials } from './credentials';
import { parsePspDate, toLimaIso } from './lima-time';
import { authorizationHash } from './pe-signature';

export interface PagoEfectivoClientOptions {
  baseUrl: string;
  credentials: () => Promise<PspCredentials>;
  now: () => Date;
  /** Per HTTP call. Lambda timeouts are sized to fit a token call plus one operation. */
  timeoutMs: number;
}

/** The provider interface's shapes, under the names this client has always used. */
export type {
  ChangeExpiryOutcome,
  CipState,
  CipStatus,
  CreatedVoucher as CreatedCip,
  CreateVoucherInput as CreateCipInput,
  DeleteCipOutcome,
} from '../provider';

import { schemasOnFirstUse } from '#platform/schema';

/** The only status code seen documented; everything else is read from the name. */
const PAID_STATUS_CODE = 23;
/** Renew this long before `tokenExpires`, so a token never dies in flight. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

// zod/mini: these replies are all the classic API would be loaded for in the functions that call
// PagoEfectivo (expire, sync, cancel, extend, review), ~7 ms of each cold start (decision 57).
const replySchemas = /* @__PURE__ */ schemasOnFirstUse(() => {
  const digits = z.pipe(
    z.union([z.string().check(z.regex(/^\d+$/)), z.int().check(z.nonnegative())]),
    z.transform(String),
  );
  const SearchItem = z.object({
    cip: digits,
    status: z.optional(z.coerce.number()),
    statusName: z.optional(z.string()),
    transactionCode: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
    amount: z.optional(z.union([z.string(), z.number()])),
    currency: z.optional(z.string()),
    datePayment: z.optional(z.nullable(z.string())),
  });
  return {
    AuthorizationResponse: z.object({
      code: z.coerce.number(),
      data: z.object({
        token: z.string().check(z.minLength(1)),
        tokenExpires: z.string().check(z.minLength(1)),
      }),
    }),
    CreateCipResponse: z.object({
      code: z.coerce.number(),
      data: z.object({ cip: digits, cipUrl: z.url(), dateExpiry: z.optional(z.string()) }),
    }),
    /** The sample success reply carries `code` 502 ("Consulta exitosa"): the body is the signal. */
    SearchResponse: z.object({ data: z.array(SearchItem) }),
    ChangedCipResponse: z.object({
      data: z.optional(z.object({ dateExpiry: z.optional(z.string()) })),
    }),
    PspErrorBody: z.looseObject({
      code: z.optional(z.coerce.number()),
      message: z.optional(z.string()),
      data: z.optional(z.unknown()),
    }),
  };
});

/** `+51 987 654 321`, `51987654321` or `987654321` → `987654321` (Peru's code is sent apart). */
export function nationalPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('51') ? digits.slice(2) : digits;
}

interface Token {
  value: string;
  expiresAtMs: number;
}

export class PagoEfectivoClient {
  /** Built with the client, so the stage's client (created at init) carries their cost. */
  private readonly replies = replySchemas();
  private token: Token | undefined;
  private tokenInFlight: Promise<Token> | undefined;

  constructor(private readonly options: PagoEfectivoClientOptions) {}

  /**
   * Creates a CIP. Never retried on a timeout or network error: the PSP may have created it, and
   * a retry would mint a second code for the same order. A 401 is retried once with a new token
   * (the PSP did nothing with the first request).
   */
  async createCip(input: CreateCipInput): Promise<CreatedCip> {
    const body = {
      currency: input.currency,
      // A number, as the official C# demo sends it (`decimal Amount`).
      amount: Number(minorToDecimal(input.amountMinor)),
      transactionCode: input.transactionCode,
      dateExpiry: toLimaIso(input.expiresAt),
      paymentConcept: input.paymentConcept,
      additionalData: input.additionalData,
      userEmail: input.userEmail,
      userName: input.userName,
      userLastName: input.userLastName,
      userDocumentType: input.userDocumentType,
      userDocumentNumber: input.userDocumentNumber,
      // National digits beside the country code, as public clients send them (never `+51…` in both).
      userPhone: input.userPhone === undefined ? undefined : nationalPhone(input.userPhone),
      userCodeCountry: input.userPhone ? '+51' : undefined,
      userCountry: 'PERU',
    };
    const response = await this.call('POST', '/v1/cips', body, { idempotent: false });
    if (response.status === 201 || response.status === 200) {
      const parsed = this.replies.CreateCipResponse.safeParse(response.body);
      if (parsed.success && parsed.data.code === 100) {
        const expiresAt = parsePspDate(parsed.data.data.dateExpiry) ?? input.expiresAt;
        return { cip: parsed.data.data.cip, url: parsed.data.data.cipUrl, expiresAt };
      }
    }
    throw this.failure('create a CIP', response);
  }

  /** Looks up several CIPs in one call. Safe to retry. */
  async searchCips(cips: readonly string[]): Promise<CipStatus[]> {
    if (cips.length === 0) return [];
    const response = await this.call(
      'POST',
      '/v1/cips/search',
      { data: cips.map((cip) => ({ cip })) },
      { idempotent: true },
    );
    const parsed = this.replies.SearchResponse.safeParse(response.body);
    if (response.status >= 300 || !parsed.success) throw this.failure('search CIPs', response);
    return parsed.data.data.map((item) => ({
      cip: item.cip,
      state: cipState(item.status, item.statusName),
      statusCode: item.status,
      transactionCode: item.transactionCode,
      amountMinor: item.amount === undefined ? undefined : decimalToMinor(item.amount),
      currency: item.currency,
      paidAt: parsePspDate(item.datePayment),
    }));
  }

  /** Logical delete; only an unpaid CIP can be deleted (a deleted one answers `not_deletable` too). */
  async deleteCip(cip: string): Promise<DeleteCipOutcome> {
    const response = await this.call('DELETE', `/v1/cips/${encodeURIComponent(cip)}`, undefined, {
      idempotent: true,
    });
    if (response.status >= 200 && response.status < 300) return 'deleted';
    if (response.status === 404) return 'not_found';
    if (response.status >= 400 && response.status < 500) return 'not_deletable';
    throw this.failure('delete a CIP', response);
  }

  /**
   * Moves an unpaid CIP's deadline (`PATCH /v1/cips/{cip}`). Safe to retry: setting the same
   * deadline twice changes nothing. A paid or deleted CIP cannot change: `not_changeable`.
   */
  async changeCipExpiry(cip: string, expiresAt: Date): Promise<ChangeExpiryOutcome> {
    const response = await this.call(
      'PATCH',
      `/v1/cips/${encodeURIComponent(cip)}`,
      { dateExpiry: toLimaIso(expiresAt) },
      { idempotent: true },
    );
    if (response.status >= 200 && response.status < 300) {
      const parsed = this.replies.ChangedCipResponse.safeParse(response.body);
      const confirmed = parsed.success ? parsePspDate(parsed.data.data?.dateExpiry) : undefined;
      return { outcome: 'changed', expiresAt: confirmed ?? expiresAt };
    }
    if (response.status === 404) return { outcome: 'not_found' };
    if (response.status >= 400 && response.status < 500) {
      // The PSP's refusals carry no stable code for "already paid/deleted": ask for the CIP's state.
      const [found] = await this.searchCips([cip]);
      if (found?.state === 'paid' || found?.state === 'deleted') return { outcome: 'not_changeable' };
    }
    throw this.failure('change a CIP deadline', response);
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    { idempotent }: { idempotent: boolean },
  ): Promise<PspResponse> {
    let renewedToken = false;
    let retriedNetwork = false;
    for (;;) {
      const token = await this.currentToken();
      let response: PspResponse;
      try {
        response = await this.send(method, path, body, token.value);
      } catch (error) {
        if (idempotent && !retriedNetwork && timeLeftMs() >= MIN_CALL_MS) {
          retriedNetwork = true;
          continue;
        }
        throw error;
      }
      // A new token and a second try cost two more calls: only when they can finish in time.
      if (response.status === 401 && !renewedToken && timeLeftMs() >= 2 * MIN_CALL_MS) {
        renewedToken = true;
        this.token = undefined;
        continue;
      }
      if (response.status >= 500 && idempotent && !retriedNetwork && timeLeftMs() >= MIN_CALL_MS) {
        retriedNetwork = true;
        continue;
      }
      return response;
    }
  }

  private send(method: string, path: string, body: unknown, bearer?: string): Promise<PspResponse> {
    return callPsp(
      'PagoEfectivo',
      new URL(path, this.options.baseUrl),
      {
        method,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'accept-language': 'es-PE',
          origin: 'web',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.options.timeoutMs,
    );
  }

  private async currentToken(): Promise<Token> {
    const nowMs = this.options.now().getTime();
    if (this.token && this.token.expiresAtMs - TOKEN_RENEW_MARGIN_MS > nowMs) return this.token;
    // Concurrent callers in one container share one authorization call.
    this.tokenInFlight ??= this.authorize().finally(() => {
      this.tokenInFlight = undefined;
    });
    this.token = await this.tokenInFlight;
    return this.token;
  }

  private async authorize(): Promise<Token> {
    const { serviceId, accessKey, secretKey } = await this.options.credentials();
    const dateRequest = toLimaIso(this.options.now());
    const response = await this.send('POST', '/v1/authorizations', {
      accessKey,
      idService: Number(serviceId),
      dateRequest,
      hashString: authorizationHash(serviceId, accessKey, secretKey, dateRequest),
    });
    const parsed = this.replies.AuthorizationResponse.safeParse(response.body);
    if ((response.status !== 201 && response.status !== 200) || !parsed.success || parsed.data.code !== 100) {
      logger.error('PagoEfectivo refused our credentials', { status: response.status, body: response.body });
      throw new PspUnavailableError('PagoEfectivo refused the merchant credentials.', 502);
    }
    const expiresAt = parsePspDate(parsed.data.data.tokenExpires);
    // Undocumented lifetime: with no usable expiry, keep the token five minutes and renew.
    const expiresAtMs = expiresAt?.getTime() ?? this.options.now().getTime() + 5 * 60_000;
    return { value: parsed.data.data.token, expiresAtMs };
  }

  private failure(action: string, response: PspResponse): Error {
    const parsed = this.replies.PspErrorBody.safeParse(response.body);
    if (response.status >= 400 && response.status < 500 && response.status !== 401 && parsed.success) {
      const reason = [parsed.data.message, describeFieldErrors(parsed.data.data)].filter(Boolean).join(' ');
      return new PspRejectedError(
        `PagoEfectivo refused to ${action}: ${reason || `HTTP ${response.status}`}`,
        {
          pspCode: parsed.data.code,
        },
      );
    }
    logger.error('Unexpected PagoEfectivo answer', { action, status: response.status, body: response.body });
    return new PspUnavailableError(`PagoEfectivo could not ${action} (HTTP ${response.status}).`, 502);
  }
}

function cipState(statusCode: number | undefined, statusName: string | undefined): CipState {
  if (statusCode === PAID_STATUS_CODE) return 'paid';
  const name = (statusName ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  if (name.startsWith('pagad')) return 'paid';
  if (name.startsWith('generad') || name.startsWith('pendiente')) return 'pending';
  if (name.startsWith('expirad')) return 'expired';
  if (name.startsWith('eliminad') || name.startsWith('anulad')) return 'deleted';
  return 'unknown';
}

/** Field detail was seen as `{code, message, field}`, possibly a list. */
function describeFieldErrors(data: unknown): string {
  const entries = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  return entries
    .map((entry) => {
      const { field, message } = entry as { field?: unknown; message?: unknown };
      return typeof message === 'string'
        ? typeof field === 'string'
          ? `${field}: ${message}`
          : message
        : '';
    })
    .filter(Boolean)
    .join('; ');
}
