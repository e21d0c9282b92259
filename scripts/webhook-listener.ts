import '../local/quiet';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

/**
 * `npm run webhooks:listen -- --secret whsec_… [--port 4000]`: a marketplace's receiving endpoint
 * in one line, for trying the local stack. It verifies each delivery's Standard Webhooks
 * signature and timestamp with the endpoint's secret (as your own receiver must), prints one line
 * per delivery, and answers 204 — or 401 to a delivery that does not verify.
 */
export function startWebhookListener(options: {
  port: number;
  secret: string;
  print: (line: string) => void;
}): Promise<{ url: string; close(): Promise<void> }> {
  const verifier = new Webhook(options.secret);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        // The standardwebhooks library checks the signature and the timestamp's freshness (5 min),
        // as a marketplace's own receiver must.
        const event = verifier.verify(body, {
          'webhook-id': String(request.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
        }) as { type: string; data: Record<string, unknown> };
        const what = [event.data.id, event.data.reference, event.data.status].filter(Boolean).join(' ');
        options.print(`verified ${event.type} ${request.headers['webhook-id']} ${what}`);
        response.writeHead(204).end();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        options.print(`REJECTED delivery ${request.headers['webhook-id'] ?? '(no webhook-id)'}: ${reason}`);
        response.writeHead(401).end();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        url: `http://127.0.0.1:${port}/hooks`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.RECEIVER_PORT ?? '4000' },
      secret: { type: 'string' },
    },
  });
  if (!values.secret?.startsWith('whsec_')) {
    console.error('Usage: npm run webhooks:listen -- --secret whsec_… [--port 4000]');
    process.exit(2);
  }
  const listener = await startWebhookListener({
    port: Number(values.port),
    secret: values.secret,
    print: (line) => console.log(`[receiver] ${line}`),
  });
  console.log(`[receiver] listening on ${listener.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void listener.close().then(() => process.exit(0)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
