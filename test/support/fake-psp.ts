import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer } from '../../local/sandbox/server';

/**
 * A misbehaving PSP on 127.0.0.1 for client tests: it grants tokens like PagoEfectivo, records
 * every request line, and hands every other request to `behave` (which may never answer).
 */
export async function startFakePsp(behave: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (request.url === '/v1/authorizations') {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          code: 100,
          data: { token: 't', tokenExpires: new Date(Date.now() + 3600_000).toISOString() },
        }),
      );
      return;
    }
    behave(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    requests,
    stop: () => closeServer(server),
  };
}
