import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { nowMs } from '#platform/clock';
import { parsePspDate, toLimaIso } from '#psp/pagoefectivo/lima-time';
import { authorizationHash } from '#psp/pagoefectivo/pe-signature';
import { fail, HttpReply, type Json } from './http-reply';

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * PagoEfectivo's authorization: `POST /v1/authorizations` checks the credentials, the
 * dateRequest's format and freshness and the hashString, and issues a bearer token that every
 * `/v1/` call must carry until it expires (or the tests revoke every token).
 */
export function tokenDesk(credentials: {
  serviceId: string;
  accessKey: string;
  secretKey: string;
  tokenLifetimeSeconds?: number;
}) {
  const tokens = new Map<string, number>();
  const tokenLifetimeMs = (credentials.tokenLifetimeSeconds ?? 3600) * 1000;
  return {
    authorize(body: Json): HttpReply {
      const { accessKey, idService, dateRequest, hashString } = body;
      if (accessKey !== credentials.accessKey || String(idService) !== credentials.serviceId) {
        return fail(401, 111, 'Credenciales inválidas.');
      }
      if (
        typeof dateRequest !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-05:00$/.test(dateRequest)
      ) {
        return fail(400, 112, 'dateRequest debe tener el formato yyyy-MM-ddTHH:mm:ss-05:00.', 'dateRequest');
      }
      const requestedAt = parsePspDate(dateRequest)?.getTime() ?? 0;
      if (Math.abs(requestedAt - nowMs()) > MAX_CLOCK_SKEW_MS) {
        return fail(401, 113, 'dateRequest fuera del rango permitido.', 'dateRequest');
      }
      const expected = authorizationHash(
        credentials.serviceId,
        credentials.accessKey,
        credentials.secretKey,
        dateRequest,
      );
      if (hashString !== expected) return fail(401, 114, 'hashString inválido.', 'hashString');
      const token = randomBytes(24).toString('base64url');
      const start = nowMs();
      tokens.set(token, start + tokenLifetimeMs);
      return new HttpReply(201, {
        code: 100,
        message: 'Solicitud exitosa.',
        data: {
          token,
          codeService: credentials.serviceId,
          tokenStart: toLimaIso(new Date(start)),
          tokenExpires: toLimaIso(new Date(start + tokenLifetimeMs)),
        },
      });
    },

    /** The 401 a request without a live bearer token gets; undefined when it has one. */
    requireToken(request: IncomingMessage): HttpReply | undefined {
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      const expiresAt = match?.[1] ? tokens.get(match[1]) : undefined;
      if (expiresAt === undefined || expiresAt <= nowMs()) {
        return fail(401, 401, 'Token inválido o expirado.');
      }
      return undefined;
    },

    /** `/_sandbox/tokens/revoke`: every token dies at once (rehearses a renewal under load). */
    revokeAll(): void {
      tokens.clear();
    },
  };
}
