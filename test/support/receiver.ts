import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer } from '../../local/sandbox/server';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
  receivedAtMs: number;
}

/**
 * A marketplace's webhook receiver, on 127.0.0.1. Paths choose the behaviour: `/ok/…` answers 200,
 * `/flaky/…` answers 500 twice per webhook-id then 200, `/gone/…` answers 410.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const failuresById = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const id = String(request.headers['webhook-id'] ?? '');
      let status = 200;
      if (path.startsWith('/gone/')) status = 410;
      if (path.startsWith('/flaky/')) {
        const failures = failuresById.get(id) ?? 0;
        if (failures < 2) {
          failuresById.set(id, failures + 1);
          status = 500;
        }
      }
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: status,
        receivedAtMs: Date.now(),
      });
      response.writeHead(status);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, received, stop: () => closeServer(server) };
}
