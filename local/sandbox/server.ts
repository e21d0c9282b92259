import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import { PortInUseError } from '../ports';
import { tokenDesk } from './auth';
import { cipDesk, effectiveStatus } from './cips';
import { type CulqiSandboxOptions, culqiSandbox } from './culqi';
import { type DlocalSandboxOptions, dlocalSandbox } from './dlocal';
import { faultDesk } from './faults';
import { fail, HttpReply, type Json, readBody } from './http-reply';
import { parseControl, paymentDesk, WalletPayControlSchema } from './payments';
import { SettlementRequestSchema, settlementCsv, settlementRows, settlementXlsx } from './settlement-report';
import { SandboxState } from './state';
import { voucherPage } from './voucher-page';

/**
 * A simulator of PagoEfectivo's merchant API as pagoefectivo-protocol.md describes it, on its own
 * port. It checks what the real PSP checks (hashString, dateRequest freshness, bearer tokens, CIP
 * fields) and answers in the real PSP's shapes, quirks included (search succeeds with code 502).
 * `/_sandbox/*` are controls for people and tests; PagoEfectivo has nothing like them. One module
 * per concern: auth.ts (tokens), cips.ts (the CIP API), payments.ts (paying and notifying),
 * faults.ts (injected failures), voucher-page.ts, dlocal.ts (dLocal's API), this file the routes.
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
  /** Culqi's secret key its `/culqi/v2/` API checks, and the webhook's basic auth. */
  culqi?: CulqiSandboxOptions;
  /** Where Culqi's events go (the local API's /webhooks/culqi). */
  culqiNotificationUrl?: string;
}

/** Documented defaults (README): what the local stack passes (fixed locally). */
export const DEFAULT_CULQI_SANDBOX: CulqiSandboxOptions = {
  secretKey: 'sk_test_sandbox_culqi',
  webhookUser: 'culqi-webhook',
  webhookPassword: 'sandbox-culqi-webhook-password',
};

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

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = new SandboxState(options.stateFile);
  let baseUrl = '';
  const tokens = tokenDesk(options);
  const faults = faultDesk();
  const cips = cipDesk(state, () => baseUrl);
  const dlocal = dlocalSandbox(
    state,
    options.dlocal ?? DEFAULT_DLOCAL_SANDBOX,
    effectiveStatus,
    () => baseUrl,
  );
  const payments = paymentDesk(state, { url: options.notificationUrl, secretKey: options.secretKey }, dlocal);
  const culqi = culqiSandbox(
    state,
    options.culqi ?? DEFAULT_CULQI_SANDBOX,
    options.culqiNotificationUrl ??
      options.notificationUrl.replace(/\/webhooks\/pagoefectivo$/, '/webhooks/culqi'),
    faults,
  );

  /** The controls people and tests use (`/_sandbox/*`); PagoEfectivo has nothing like them. */
  async function control(method: string, path: string, body: Json): Promise<HttpReply | undefined> {
    if (method === 'POST' && path === '/_sandbox/faults') return faults.arm(body);
    if (method === 'POST' && path === '/_sandbox/settlements') {
      const request = SettlementRequestSchema.safeParse(body);
      if (!request.success) return fail(400, 400, z.prettifyError(request.error));
      const rows = settlementRows(state, request.data);
      return request.data.format === 'xlsx'
        ? new HttpReply(200, await settlementXlsx(rows), REPORT_MEDIA_TYPES.xlsx)
        : new HttpReply(200, settlementCsv(rows, request.data.delimiter), 'text/csv; charset=utf-8');
    }
    if (method === 'POST' && path === '/_sandbox/tokens/revoke') {
      tokens.revokeAll();
      return new HttpReply(200, { revoked: true });
    }
    // Where dLocal's Yape redirect_url sends the buyer: the sandbox has no Yape app to open.
    const yapePage = /^\/_sandbox\/yape\/([\w-]+)$/.exec(path);
    if (method === 'GET' && yapePage?.[1]) {
      const html = `<!doctype html><html lang="es-PE"><meta charset="utf-8"><title>Yape (sandbox)</title><p>Yape (sandbox): aprueba el pago ${yapePage[1]} con POST /_sandbox/wallets/{optionId}/pay.</p></html>`;
      return new HttpReply(200, html, 'text/html; charset=utf-8');
    }
    const walletControl = /^\/_sandbox\/wallets\/([\w-]+)(\/pay)?$/.exec(path);
    if (walletControl?.[1]) {
      // The option's provider answers: Culqi's QR order, or dLocal's Yape payment.
      const yape = state.walletOrders.get(walletControl[1]);
      if (method === 'POST' && walletControl[2]) {
        // Checked before the option is looked up: a mistyped control is a 400 whoever issued it.
        const checked = parseControl(WalletPayControlSchema, body);
        if (checked instanceof HttpReply) return checked;
      }
      if (yape?.provider === 'dlocal') {
        if (method === 'POST' && walletControl[2]) return dlocal.payWallet(yape, body);
        if (method === 'GET' && !walletControl[2]) return dlocal.showWallet(yape);
      }
      if (method === 'POST' && walletControl[2]) return culqi.pay(walletControl[1], body);
      if (method === 'GET' && !walletControl[2]) return culqi.show(walletControl[1]);
    }
    const cipControl = /^\/_sandbox\/cips\/(\d+)(\/pay)?$/.exec(path);
    if (cipControl?.[1]) {
      const cip = state.cips.get(cipControl[1]);
      if (method === 'POST' && cipControl[2]) return payments.pay(cip, body);
      if (method === 'GET' && !cipControl[2]) {
        return cip
          ? new HttpReply(200, { ...cip, status: effectiveStatus(cip) })
          : fail(404, 130, 'CIP no encontrado.');
      }
    }
    return undefined;
  }

  /** PagoEfectivo's merchant API: every `/v1/` call but the authorization needs a live token. */
  async function merchantApi(request: IncomingMessage, method: string, path: string, body: Json) {
    const denied = tokens.requireToken(request);
    if (denied) return denied;
    if (method === 'POST' && path === '/v1/cips') {
      const fault = await faults.nextCreateFault(typeof body.userEmail === 'string' ? body.userEmail : '');
      return fault ?? cips.create(body);
    }
    if (method === 'POST' && path === '/v1/cips/search') return cips.search(body);
    const single = /^\/v1\/cips\/(\d+)$/.exec(path);
    if (single?.[1]) {
      const cip = state.cips.get(single[1]);
      if (method === 'PATCH') return cips.changeExpiry(cip, body);
      if (method === 'DELETE') return cips.delete(cip);
      return fail(405, 405, 'Método no permitido.');
    }
    return undefined;
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
    if (path.startsWith('/culqi/')) {
      const reply = await culqi.route(method, path, request.headers.authorization, body);
      if (reply) return reply;
    }
    if (method === 'POST' && path === '/v1/authorizations') return tokens.authorize(body);
    const voucher = /^\/vouchers\/([0-9a-f-]+)\.html$/.exec(path);
    if (method === 'GET' && voucher?.[1]) return voucherPage(state, voucher[1]);
    const reply = path.startsWith('/_sandbox/')
      ? await control(method, path, body)
      : path.startsWith('/v1/')
        ? await merchantApi(request, method, path, body)
        : undefined;
    return reply ?? fail(404, 404, 'Recurso no encontrado.');
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
