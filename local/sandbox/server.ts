import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { now, nowMs } from '#platform/clock';
import { parsePspDate, toLimaIso } from '#psp/pagoefectivo/lima-time';
import { authorizationHash, notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import { PortInUseError } from '../ports';
import { type DlocalSandboxOptions, dlocalSandbox } from './dlocal';
import { SettlementRequestSchema, settlementCsv, settlementRows, settlementXlsx } from './settlement-report';
import { type SandboxCip, SandboxState } from './state';

/**
 * A simulator of PagoEfectivo's merchant API as pagoefectivo-protocol.md describes it, on its own
 * port. It checks what the real PSP checks (hashString, dateRequest freshness, bearer tokens, CIP
 * fields) and answers in the real PSP's shapes, quirks included (search succeeds with code 502).
 * `/_sandbox/*` are controls for people and tests; PagoEfectivo has nothing like them.
 */
export interface SandboxOptions {
  port: number;
  serviceId: string;
  accessKey: string;
  secretKey: string;
  /** Where `cip.paid` notifications go (the local API's /webhooks/pagoefectivo). */
  notificationUrl: string;
  stateFile?: string;
  tokenLifetimeSeconds?: number;
  /** The dLocal merchant credentials its `/dlocal/` API checks and signs notifications with. */
  dlocal?: DlocalSandboxOptions;
}

/** Documented defaults (README): what the local stack passes unless DLOCAL_* say otherwise. */
export const DEFAULT_DLOCAL_SANDBOX: DlocalSandboxOptions = {
  login: 'sandbox-dlocal-login',
  transKey: 'sandbox-dlocal-trans-key',
  secretKey: 'sandbox-dlocal-secret-key',
};

export interface Sandbox {
  url: string;
  port: number;
  state: SandboxState;
  stop(): Promise<void>;
}

/** Codes the sandbox answers with. Only 100 (success) and 23 (Pagado) are documented. */
const STATUS_CODES = { generated: 22, paid: 23, expired: 21, deleted: 24 } as const;
const STATUS_NAMES = {
  generated: 'Generado',
  paid: 'Pagado',
  expired: 'Expirado',
  deleted: 'Eliminado',
} as const;
const NO_DATE = '1900-01-01T00:00:00-05:00';
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const MAX_EXPIRY_MS = 183 * 24 * 3600_000;

type Json = Record<string, unknown>;

/** `reject`: a 400 with a field error; `error`: a 500 HTML page; `timeout`: no answer for 30 s. */
type Fault = 'reject' | 'error' | 'timeout';
const FAULTS: readonly Fault[] = ['reject', 'error', 'timeout'];

class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json; charset=utf-8',
  ) {}
}

const fail = (status: number, code: number, message: string, field?: string) =>
  new HttpReply(status, { code, message, ...(field ? { data: [{ code, message, field }] } : {}) });

async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SyntaxError('not an object');
  return parsed as Json;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = new SandboxState(options.stateFile);
  const tokens = new Map<string, number>();
  /**
   * Failures to inject into the next POST /v1/cips calls (rehearsing PSP outages and refusals),
   * per buyer e-mail so that concurrent tests cannot consume each other's faults; '*' = anyone.
   */
  const faults = new Map<string, Fault[]>();
  const tokenLifetimeMs = (options.tokenLifetimeSeconds ?? 3600) * 1000;
  let baseUrl = '';
  const dlocal = dlocalSandbox(
    state,
    options.dlocal ?? DEFAULT_DLOCAL_SANDBOX,
    (cip) => effectiveStatus(cip),
    () => baseUrl,
  );

  function effectiveStatus(cip: SandboxCip): SandboxCip['status'] {
    if (cip.status === 'generated' && Date.parse(cip.dateExpiry) <= nowMs()) return 'expired';
    return cip.status;
  }

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

  function requireToken(request: IncomingMessage): HttpReply | undefined {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const expiresAt = match?.[1] ? tokens.get(match[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= nowMs()) {
      return fail(401, 401, 'Token inválido o expirado.');
    }
    return undefined;
  }

  function authorize(body: Json): HttpReply {
    const { accessKey, idService, dateRequest, hashString } = body;
    if (accessKey !== options.accessKey || String(idService) !== options.serviceId) {
      return fail(401, 111, 'Credenciales inválidas.');
    }
    if (typeof dateRequest !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-05:00$/.test(dateRequest)) {
      return fail(400, 112, 'dateRequest debe tener el formato yyyy-MM-ddTHH:mm:ss-05:00.', 'dateRequest');
    }
    const requestedAt = parsePspDate(dateRequest)?.getTime() ?? 0;
    if (Math.abs(requestedAt - nowMs()) > MAX_CLOCK_SKEW_MS) {
      return fail(401, 113, 'dateRequest fuera del rango permitido.', 'dateRequest');
    }
    const expected = authorizationHash(options.serviceId, options.accessKey, options.secretKey, dateRequest);
    if (hashString !== expected) return fail(401, 114, 'hashString inválido.', 'hashString');
    const token = randomBytes(24).toString('base64url');
    const start = nowMs();
    tokens.set(token, start + tokenLifetimeMs);
    return new HttpReply(201, {
      code: 100,
      message: 'Solicitud exitosa.',
      data: {
        token,
        codeService: options.serviceId,
        tokenStart: toLimaIso(new Date(start)),
        tokenExpires: toLimaIso(new Date(start + tokenLifetimeMs)),
      },
    });
  }

  function createCip(body: Json): HttpReply {
    const { currency, amount, transactionCode, userEmail, dateExpiry } = body;
    if (currency !== 'PEN' && currency !== 'USD')
      return fail(400, 120, 'currency debe ser PEN o USD.', 'currency');
    const amountText = typeof amount === 'number' ? String(amount) : amount;
    if (typeof amountText !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amountText) || Number(amountText) <= 0) {
      return fail(400, 121, 'amount debe ser un decimal mayor a cero con hasta 2 decimales.', 'amount');
    }
    if (typeof transactionCode !== 'string' || transactionCode.trim() === '' || transactionCode.length > 64) {
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
        cipUrl: `${baseUrl}/vouchers/${cip.guid}.html`,
      },
    });
  }

  function searchCips(body: Json): HttpReply {
    const wanted = Array.isArray(body.data) ? body.data : [];
    const items = wanted.flatMap((entry) => {
      const cip = state.cips.get(String((entry as Json).cip));
      return cip ? [searchItem(cip)] : [];
    });
    return new HttpReply(200, { code: 502, message: 'Consulta exitosa', data: items });
  }

  function changeExpiry(cip: SandboxCip | undefined, body: Json): HttpReply {
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
  }

  function deleteCip(cip: SandboxCip | undefined): HttpReply {
    if (!cip) return fail(404, 130, 'CIP no encontrado.');
    const status = effectiveStatus(cip);
    if (status === 'paid' || status === 'deleted') {
      return fail(400, 132, `El CIP no puede eliminarse: está ${STATUS_NAMES[status].toLowerCase()}.`);
    }
    cip.status = 'deleted';
    cip.dateRemoval = toLimaIso(now());
    state.save();
    return new HttpReply(200, { code: 100, message: 'Solicitud exitosa.', data: { cip: Number(cip.cip) } });
  }

  async function pay(cip: SandboxCip | undefined, body: Json): Promise<HttpReply> {
    if (!cip) return fail(404, 130, 'CIP no encontrado.');
    const notify = body.notify !== false;
    const copies = typeof body.copies === 'number' ? Math.min(Math.max(Math.trunc(body.copies), 1), 50) : 1;
    const ignoreExpiry = body.ignoreExpiry === true;
    const status = effectiveStatus(cip);
    if (status === 'paid') return fail(409, 140, 'El CIP ya fue pagado.');
    if (status === 'deleted') return fail(409, 141, 'El CIP fue eliminado.');
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
    // Amount/currency overrides exist to rehearse mismatches; PagoEfectivo itself would never differ.
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
  }

  async function deliver(body: string): Promise<{ status: number | null; error?: string }> {
    try {
      const response = await fetch(options.notificationUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'pe-signature': notificationSignature(options.secretKey, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  function voucherPage(guid: string): HttpReply {
    const cip = [...state.cips.values()].find((candidate) => candidate.guid === guid);
    if (!cip || cip.status === 'deleted') return new HttpReply(404, 'Not found', 'text/plain');
    const html = `<!doctype html><html lang="es"><meta charset="utf-8"><title>CIP ${cip.cip}</title>
<h1>PagoEfectivo (sandbox)</h1><p>Código de pago (CIP): <strong>${cip.cip}</strong></p>
<p>Monto: ${cip.currency} ${cip.amount}</p><p>Vence: ${cip.dateExpiry}</p><p>Estado: ${STATUS_NAMES[effectiveStatus(cip)]}</p></html>`;
    return new HttpReply(200, html, 'text/html; charset=utf-8');
  }

  async function route(request: IncomingMessage): Promise<HttpReply> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const method = request.method ?? 'GET';
    const path = url.pathname;
    if (path.startsWith('/dlocal/')) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const reply = await dlocal.route(method, path, request.headers, Buffer.concat(chunks));
      if (reply) return new HttpReply(reply.status, reply.body);
    }
    let body: Json = {};
    if (method !== 'GET' && method !== 'DELETE') {
      try {
        body = await readBody(request);
      } catch {
        return fail(400, 101, 'El cuerpo no es JSON válido.');
      }
    }
    if (method === 'POST' && path === '/v1/authorizations') return authorize(body);
    const voucher = /^\/vouchers\/([0-9a-f-]+)\.html$/.exec(path);
    if (method === 'GET' && voucher?.[1]) return voucherPage(voucher[1]);
    if (method === 'POST' && path === '/_sandbox/faults') {
      const requested = Array.isArray(body.createCip) ? body.createCip : [];
      if (!requested.every((fault): fault is Fault => FAULTS.includes(fault as Fault))) {
        return fail(400, 400, `createCip takes a list of ${FAULTS.join(', ')}.`, 'createCip');
      }
      const target = typeof body.userEmail === 'string' ? body.userEmail : '*';
      faults.set(target, [...(faults.get(target) ?? []), ...requested]);
      return new HttpReply(200, { userEmail: target, pending: faults.get(target) });
    }
    if (method === 'POST' && path === '/_sandbox/settlements') {
      const request = SettlementRequestSchema.safeParse(body);
      if (!request.success) return fail(400, 400, z.prettifyError(request.error));
      const rows = settlementRows(state, request.data);
      return request.data.format === 'xlsx'
        ? new HttpReply(200, await settlementXlsx(rows), REPORT_MEDIA_TYPES.xlsx)
        : new HttpReply(200, settlementCsv(rows, request.data.delimiter), 'text/csv; charset=utf-8');
    }
    if (method === 'POST' && path === '/_sandbox/tokens/revoke') {
      tokens.clear();
      return new HttpReply(200, { revoked: true });
    }
    const control = /^\/_sandbox\/cips\/(\d+)(\/pay)?$/.exec(path);
    if (control?.[1]) {
      const cip = state.cips.get(control[1]);
      if (method === 'POST' && control[2]) return pay(cip, body);
      if (method === 'GET' && !control[2]) {
        return cip
          ? new HttpReply(200, { ...cip, status: effectiveStatus(cip) })
          : fail(404, 130, 'CIP no encontrado.');
      }
    }
    if (path.startsWith('/v1/')) {
      const denied = requireToken(request);
      if (denied) return denied;
      if (method === 'POST' && path === '/v1/cips') {
        const email = typeof body.userEmail === 'string' ? body.userEmail : '';
        const queue = faults.get(email)?.length ? faults.get(email) : faults.get('*');
        const fault = queue?.shift();
        if (fault === 'reject')
          return fail(400, 126, 'El servicio no admite pagos en esta moneda.', 'currency');
        if (fault === 'error')
          return new HttpReply(500, '<html><body>Internal Server Error</body></html>', 'text/html');
        if (fault === 'timeout') {
          await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
          return fail(504, 504, 'Tiempo de espera agotado.');
        }
        return createCip(body);
      }
      if (method === 'POST' && path === '/v1/cips/search') return searchCips(body);
      const single = /^\/v1\/cips\/(\d+)$/.exec(path);
      if (single?.[1]) {
        const cip = state.cips.get(single[1]);
        if (method === 'PATCH') return changeExpiry(cip, body);
        if (method === 'DELETE') return deleteCip(cip);
        return fail(405, 405, 'Método no permitido.');
      }
    }
    return fail(404, 404, 'Recurso no encontrado.');
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(request)
      .then((reply) => {
        const payload =
          typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
            ? reply.body
            : JSON.stringify(reply.body);
        response.writeHead(reply.status, { 'content-type': reply.contentType });
        response.end(payload);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 500, message: String(error) }));
      });
  });
  await listen(server, options.port, 'sandbox', 'SANDBOX_PORT');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    state,
    stop: () => closeServer(server),
  };
}

export function listen(server: Server, port: number, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, what, variable) : error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
