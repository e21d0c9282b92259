import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  GATEWAY_PROBLEMS,
  isBuyerRoute,
  ROUTES,
  type RouteSpec,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from '#lib/topology';
import { problem } from '#platform/problem';
import { serveConsole } from './console';
import { invoke } from './lambda-context';
import { closeServer, listen } from './sandbox/server';
import { ClientThrottle, type ThrottleLimits, tooManyRequests } from './throttle';

/** Like Lambda's synchronous payload limit (6 MB): what API Gateway could hand a function. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** How much of an oversized body is read (and dropped) before the 413, so the client sees it. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;
/** A request whose body never completes (Content-Length larger than what is sent) gets 408 by then. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  parameterNames: string[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const parameterNames: string[] = [];
  const source = spec.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    parameterNames.push(name);
    return '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${source}$`), parameterNames };
}

/** Local-only routes (never deployed): health, test clock, job triggers. */
export type LocalRoute = (request: {
  method: string;
  path: string;
  body: unknown;
}) => Promise<{ status: number; body: unknown } | undefined>;

export interface ApiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Plays API Gateway (REST, Lambda proxy) for the local stack: matches the routes declared in
 * lib/topology.ts, runs the Lambda authorizer for `apiKey` routes, and calls the same handler
 * modules that are bundled for AWS with the event shape API Gateway would send.
 */
export async function startApiServer(options: {
  port: number;
  localRoutes: LocalRoute;
  /** The usage plan's per-client throttle (lib/stage-config.ts `clientThrottle` in AWS). */
  clientThrottle: ThrottleLimits;
  requestTimeoutMs?: number;
}): Promise<ApiServer> {
  const routes = ROUTES.map(compile);
  const throttle = new ClientThrottle(options.clientThrottle);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The people's console (static files; CloudFront in AWS), before any API route.
    if (await serveConsole(request, response)) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      // Past the limit the body is read and dropped, not kept: answering (and closing) while the
      // client is still sending makes its write fail (EPIPE) before it reads the 413 — a lingering
      // close, as web servers do. A body past the drain limit is not waited for.
      if (size > MAX_DRAINED_BYTES) break;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    if (size > MAX_BODY_BYTES) {
      // The connection closes after this answer, so a client's next request does not go out on a
      // socket the server is about to reset.
      const tooLarge = gatewayProblem(GATEWAY_PROBLEMS.payloadTooLarge);
      return send(response, { ...tooLarge, headers: { ...tooLarge.headers, connection: 'close' } });
    }
    const bodyBytes = Buffer.concat(chunks);

    if (url.pathname === '/health' || url.pathname.startsWith('/_local/')) {
      let parsed: unknown;
      try {
        parsed = bodyBytes.length ? JSON.parse(bodyBytes.toString('utf8')) : {};
      } catch {
        return send(response, problemResult(400, 'validation_failed', 'Body is not valid JSON.'));
      }
      const local = await options.localRoutes({ method, path: url.pathname, body: parsed });
      if (local) {
        return send(response, {
          statusCode: local.status,
          headers: { 'content-type': local.status >= 400 ? 'application/problem+json' : 'application/json' },
          body: JSON.stringify(local.body),
        });
      }
    }

    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.spec.method === method);
    if (!route) {
      return send(
        response,
        // As API Gateway: an unknown method on a known path is the same 404 as an unknown path.
        gatewayProblem(GATEWAY_PROBLEMS.noSuchRoute),
      );
    }
    const match = route.pattern.exec(url.pathname);
    const pathParameters: Record<string, string> = {};
    for (const [index, name] of route.parameterNames.entries()) {
      try {
        pathParameters[name] = decodeURIComponent(match?.[index + 1] ?? '');
      } catch {
        // As API Gateway: a malformed escape (`%`, `%ZZ`) is the client's error, never a 500.
        return send(response, {
          ...problemResult(400, 'validation_failed', 'The path holds a malformed percent-encoding.'),
          body: JSON.stringify(
            problem(400, 'validation_failed', 'The path holds a malformed percent-encoding.', {
              errors: [{ field: `path.${name}`, message: 'Malformed percent-encoding.' }],
            }),
          ),
        });
      }
    }
    const event = toApiGatewayEvent(request, url, route.spec, pathParameters, bodyBytes);

    // The buyer's public pages: limited per client address, as the WAF's public-route rule does in
    // AWS, and refused with the WAF's answer (`rate_limited`), not the API key throttle's.
    if (isBuyerRoute(route.spec)) {
      if (!throttle.tryTake(`ip:${request.socket.remoteAddress ?? 'unknown'}`)) {
        return send(response, tooManyRequests('address'));
      }
    }

    if (route.spec.auth === 'apiKey') {
      let usageKey: string | undefined;
      try {
        const result = await invoke<APIGatewayAuthorizerResult & { usageIdentifierKey?: string }>(
          'authorizer',
          {
            type: 'REQUEST',
            methodArn: `arn:aws:execute-api:us-east-1:000000000000:local/local/${method}${url.pathname}`,
            resource: route.spec.path,
            path: url.pathname,
            httpMethod: method,
            headers: event.headers,
            queryStringParameters: event.queryStringParameters,
            pathParameters,
            requestContext: event.requestContext,
          },
        );
        const allowed = (result.policyDocument?.Statement ?? []).some(
          (statement: { Effect?: string }) => statement.Effect === 'Allow',
        );
        // A Deny is API Gateway's ACCESS_DENIED, which the stack answers as the same 401 problem.
        if (!allowed) return send(response, gatewayProblem(GATEWAY_PROBLEMS.unauthorized));
        event.requestContext.authorizer = { principalId: result.principalId, ...result.context };
        usageKey = result.usageIdentifierKey;
      } catch {
        // What API Gateway answers for a failed authorizer (AUTHORIZER_FAILURE, mapped in CDK): the
        // key could not be checked, which is no reason to tell the client it is invalid.
        return send(response, serviceUnavailableResult());
      }
      // As in AWS: throttled per client after the authorizer names the client's usage key.
      if (!usageKey) {
        return send(response, gatewayProblem(GATEWAY_PROBLEMS.apiKeyNotEnabled));
      }
      if (!throttle.tryTake(usageKey)) {
        return send(response, tooManyRequests('apiKey'));
      }
    }

    const result = await invoke<APIGatewayProxyResult>(route.spec.function, event);
    return send(response, result);
  }

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server: Server = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      // How often Node looks for requests past their timeout (default 30 s: a hang would outlast it).
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        // A client that went away mid-body (or timed out) needs no answer and no stack trace.
        if (request.destroyed || response.destroyed) return;
        console.error('[api] unhandled', error);
        if (!response.headersSent) send(response, gatewayProblem(GATEWAY_PROBLEMS.internalError));
      });
    },
  );
  server.on('clientError', answerClientError);
  await listen(server, options.port, 'API', 'PORT');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}`, port, stop: () => closeServer(server) };
}

const problemHeaders = { 'content-type': 'application/problem+json' };

/**
 * Requests Node refuses before any handler runs (headers too large, a body that never arrives,
 * bytes that are not HTTP) get a problem+json answer like every other error, not an empty body.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', `The request did not arrive whole in time.`]
        : [400, 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(problem(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The stack's AUTHORIZER_FAILURE answer: retry shortly (lib/constructs/service-api.ts). */
function serviceUnavailableResult(): APIGatewayProxyResult {
  const unavailable = gatewayProblem(GATEWAY_PROBLEMS.serviceUnavailable);
  return {
    ...unavailable,
    headers: { ...unavailable.headers, 'Retry-After': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
  };
}

const gatewayProblem = (spec: { status: number; code: string; detail: string }) =>
  problemResult(spec.status, spec.code, spec.detail);

function problemResult(status: number, code: string, detail: string): APIGatewayProxyResult {
  return { statusCode: status, headers: problemHeaders, body: JSON.stringify(problem(status, code, detail)) };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode, headers);
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * Header and parameter names are the client's: `__proto__`, `constructor`, `toString` are names
 * like any other here, as they are in the event API Gateway builds. A plain `map[name] = value`
 * would swap the map's prototype (`__proto__`) or read an inherited function (`constructor`) —
 * which once left every such request unanswered.
 */
function setOwn<T>(map: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
}

function ownOr<T>(map: Record<string, T>, name: string, fallback: T): T {
  return Object.hasOwn(map, name) ? (map[name] as T) : fallback;
}

function toApiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  route: RouteSpec,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    setOwn(headers, name, value);
    setOwn(multiValueHeaders, name, [...ownOr(multiValueHeaders, name, []), value]);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    setOwn(query, name, value);
    setOwn(multiQuery, name, [...ownOr(multiQuery, name, []), value]);
  }
  // Like the deployed API (binaryMediaTypes */*, lib/service-stack.ts): every body base64-encoded.
  const now = Date.now();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    body: body.length === 0 ? null : body.toString('base64'),
    isBase64Encoded: body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      httpMethod: route.method,
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: route.path,
      stage: 'local',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}
