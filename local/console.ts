import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONSOLE_HEADERS, consoleCsp } from '#lib/console-headers';
import { buildConsole, type ConsoleFile } from '../console/build';

/** The console's settings on the local stack: the issuer h31's local OIDC provider runs (README). */
export function consoleConfig(apiBase: string) {
  return {
    issuer: process.env.CONSOLE_ISSUER ?? '',
    clientId: process.env.CONSOLE_CLIENT_ID ?? 'console',
    audience: process.env.CONSOLE_AUDIENCE ?? 'marketplace-api',
    apiBase,
    scope: 'openid profile email',
    ...(process.env.CONSOLE_RESOURCE ? { resource: process.env.CONSOLE_RESOURCE } : {}),
  };
}

let built: Promise<Map<string, ConsoleFile>> | undefined;

/** Built once per process on first use (esbuild, ~0.2 s), from the same code `build-console` writes. */
function consoleFiles(): Promise<Map<string, ConsoleFile>> {
  built ??= buildConsole().then((files) => new Map(files.map((file) => [file.path, file])));
  return built;
}

/**
 * Serves the console under `/console/` as CloudFront does in AWS: fingerprinted assets cached for
 * good, the HTML shell (also at `/console/callback`, the OIDC redirect) revalidated, every answer
 * with the console's CSP, and `config.json` from the stack's environment. Answers false for paths
 * that are not the console's.
 */
export async function serveConsole(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
  const apiBase = `http://${request.headers.host ?? '127.0.0.1'}`;
  const issuer = process.env.CONSOLE_ISSUER;
  const headers = {
    ...CONSOLE_HEADERS,
    'content-security-policy': consoleCsp(issuer ? { issuerOrigin: new URL(issuer).origin } : {}),
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    return true;
  }
  if (url.pathname === '/console') {
    response.writeHead(308, { ...headers, location: `/console/${url.search}` }).end();
    return true;
  }
  const path = url.pathname.slice('/console/'.length);
  if (path === 'config.json') {
    response
      .writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-cache' })
      .end(JSON.stringify(consoleConfig(apiBase)));
    return true;
  }
  const files = await consoleFiles();
  const file = path === '' || path === 'index.html' ? files.get('index.html') : files.get(path);
  if (!file) {
    response
      .writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      .end('No encontrado / Not found');
    return true;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': file.contentType,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : file.body);
  return true;
}
