import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#lib/topology';
import { storeApiKey } from '#store/api-keys';
import { orderRequest, stack } from '../support/api';

/**
 * A bounded property-based fuzz of the public routes, as an outside fuzzer drove them: whatever
 * arrives, the answer is never a 5xx or a hang, an error is always problem+json, and a refused
 * order leaves nothing behind. Its own API key, so its burst never throttles the other tests.
 */
const FUZZ_KEY = `fuzz-key-${randomUUID()}`;

beforeAll(async () => {
  await storeApiKey(FUZZ_KEY, {
    keyId: `key_fuzz_${randomUUID()}`,
    name: 'hostile-input test',
    createdAt: new Date().toISOString(),
    usageKey: `usage_fuzz_${randomUUID()}`,
  });
});

interface Sent {
  status: number;
  contentType: string;
  text: string;
}

async function send(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const response = await fetch(`${stack().apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${FUZZ_KEY}`, ...headers },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** The buyer's voucher page is HTML: its errors are the 404 page a browser shows (the only exception). */
const BUYER_PAGE = /^GET \/v\/[^/]*(\?|$)/;

function expectSane(result: Sent, what: string): void {
  expect(result.status, `${what} → ${result.status} ${result.text}`).toBeLessThan(500);
  if (result.status >= 400 && BUYER_PAGE.test(what) && result.contentType.startsWith('text/html')) {
    expect(result.status, what).toBe(404);
    expect(result.text, what).toContain('Código no encontrado');
    return;
  }
  if (result.status >= 400) {
    expect(result.contentType, what).toContain('application/problem+json');
    expect(JSON.parse(result.text).status, what).toBe(result.status);
  }
}

/** Strings an attacker or a broken client sends: controls, bidi overrides, lone surrogates, escapes. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '\u0000',
    'a\u202Eb',
    '\uD800',
    '%',
    '%ZZ',
    '%00',
    '..%2f..',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    ' ',
    '1e1',
    '0x10',
    '-1',
    '9'.repeat(30),
  ),
);

/** A path segment: percent-encoded, or with its `%` left raw so escapes come out malformed. */
const segment = fc.tuple(nasty, fc.boolean()).map(([text, raw]) => {
  const encoded = encodeURIComponent(text.toWellFormed());
  return raw ? encoded.replace(/%25/g, '%') : encoded;
});

describe('hostile input to the public routes', () => {
  it('never answers 5xx, and every error is problem+json', async () => {
    const routes = ROUTES.filter((route) => route.path !== '/webhooks/pagoefectivo');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'after',
            'status',
            'type',
            'reference',
            'sellerId',
            'buyerDocumentNumber',
            'orderId',
            'outcome',
            'format',
            'partial',
            'fileName',
            'currency',
          ),
          nasty,
          { maxKeys: 3 },
        ),
        fc.option(
          fc.oneof(
            fc.json(),
            nasty,
            fc.jsonValue().map((value) => JSON.stringify({ metadata: value })),
          ),
          {
            nil: undefined,
          },
        ),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'text/csv',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'application/x-www-form-urlencoded',
          undefined,
        ),
        async (route, segments, query, body, contentType) => {
          let index = 0;
          const path = route.path.replace(/\{\w+\}/g, () => segments[index++] ?? 'x');
          const search = new URLSearchParams(query).toString();
          const sendsBody = route.method !== 'GET' && route.method !== 'DELETE';
          const result = await send(
            route.method,
            `${path}${search ? `?${search}` : ''}`,
            sendsBody ? body : undefined,
            contentType ? { 'content-type': contentType } : {},
          );
          expectSane(result, `${route.method} ${path}?${search}`);
        },
      ),
      // Every route (settlements, payouts, risk reviews, bank accounts included): ~3 draws each.
      { numRuns: 150 },
    );
  });

  it('refuses a hostile order with 4xx problem+json and stores nothing of it', async () => {
    const mutations = fc.oneof(
      nasty.map((concept) => ({ field: 'concept', patch: { concept: `Zapatillas ${concept}\u0000` } })),
      nasty.map((name) => ({ field: 'buyer.firstName', patch: { buyerFirstName: `Ana\u202E${name}` } })),
      fc
        .oneof(nasty, fc.constantFrom('999.1.1.1', '::ffff:999.0.0.1', '1.2.3', 'localhost'))
        .map((ip) => ({ field: 'risk.ip', patch: { riskIp: `x${ip}` } })),
      fc
        .constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__')
        .map((key) => ({ field: `metadata.${key}`, patch: { metadataKey: key } })),
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', '').map((type) => ({
        field: 'content-type',
        patch: { contentType: type },
      })),
    );
    await fc.assert(
      fc.asyncProperty(mutations, async ({ field, patch }) => {
        const order = orderRequest();
        const body: Record<string, unknown> = { ...order };
        if ('concept' in patch) body.concept = patch.concept;
        if ('buyerFirstName' in patch) body.buyer = { ...order.buyer, firstName: patch.buyerFirstName };
        if ('riskIp' in patch) body.risk = { ip: patch.riskIp };
        let text = JSON.stringify(body);
        if ('metadataKey' in patch) text = text.replace(/}$/, `,"metadata":{"${patch.metadataKey}":"y"}}`);
        const headers: Record<string, string> =
          'contentType' in patch
            ? { 'content-type': patch.contentType }
            : { 'content-type': 'application/json' };
        const result = await send('POST', '/v1/orders', text, headers);
        expectSane(result, field);
        expect(result.status, `${field}: ${result.text}`).toBeGreaterThanOrEqual(400);
        const found = await send('GET', `/v1/orders?reference=${encodeURIComponent(order.reference)}`);
        expect(JSON.parse(found.text).items, field).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('answers malformed path escapes with 400 naming the parameter', async () => {
    for (const raw of ['%', '%ZZ', 'ord_%E0%A4%A']) {
      const result = await send('GET', `/v1/orders/${raw}`);
      expect(result.status).toBe(400);
      expect(JSON.parse(result.text).errors).toEqual([
        { field: 'path.id', message: 'Malformed percent-encoding.' },
      ]);
    }
  });

  it('answers a body that never arrives whole (Content-Length too large) with 408, not a hang', async () => {
    const { port } = new URL(stack().apiUrl);
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      let received = '';
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            `Authorization: Bearer ${FUZZ_KEY}\r\nContent-Length: 100\r\n\r\n{"a":`,
        ),
      );
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
      });
      socket.on('close', () => resolve(received));
      setTimeout(() => socket.destroy(), 20_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('application/problem+json');
    expect(answer).toContain('"code":"request_timeout"');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a settlement "spreadsheet" that is empty or no workbook with 400, not a hang', async () => {
    // An empty body sent as .xlsx once hung the import for good (exceljs waits for zip entries
    // that never come): the fuzz above found it about once in twelve runs.
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    for (const body of [undefined, '', 'PK', 'not a zip at all']) {
      const started = Date.now();
      const result = await send('POST', '/v1/settlements', body, { 'content-type': xlsx });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.contentType).toContain('application/problem+json');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('answers 415 to a JSON route sent another media type, and accepts a bodiless POST without one', async () => {
    const order = JSON.stringify(orderRequest());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const result = await send('POST', '/v1/orders', order, type ? { 'content-type': type } : {});
      expect(result.status, String(type)).toBe(415);
      expect(JSON.parse(result.text).code).toBe('unsupported_media_type');
    }
    const json = await send('POST', '/v1/orders', order, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(json.status).toBe(201);
    const { id } = JSON.parse(json.text) as { id: string };
    // curl -X POST with no body sends no Content-Type: a bodiless action must still work.
    expect((await send('POST', `/v1/orders/${id}/cancel`)).status).toBe(200);
  });

  it('refuses JSON nested past the limit with 400 json_too_deep, before anything recurses into it', async () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      for (const depth of [65, 2_100, 100_000]) {
        const body = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const result = await send('POST', '/v1/orders', body, { 'content-type': 'application/json' });
        expect(result.status, `${open} × ${depth}`).toBe(400);
        expect(result.contentType).toContain('application/problem+json');
        expect(JSON.parse(result.text)).toMatchObject({
          code: 'json_too_deep',
          maxDepth: 64,
          errors: [{ field: 'body' }],
        });
      }
    }
    // Brackets inside strings are text, not nesting: an ordinary body with them is validated as usual.
    const order = { ...orderRequest(), concept: `Zapatillas "[{\\ ${'[{'.repeat(70)}` };
    const normal = await send('POST', '/v1/orders', JSON.stringify(order), {
      'content-type': 'application/json',
    });
    expect(normal.status, normal.text).toBe(201);
  });

  it('answers requests whose query parameters or headers are named like Object.prototype members', async () => {
    for (const name of [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
    ]) {
      const query = await send('GET', `/v1/orders?${name}=x&limit=5`, undefined);
      expect(query.status, `query ${name}: ${query.text}`).toBe(200);
      const validated = await send('GET', `/v1/orders?${name}=x&limit=zero`, undefined);
      expect(validated.status, `query ${name} + bad limit`).toBe(400);
      expect(JSON.parse(validated.text).errors).toEqual([expect.objectContaining({ field: 'query.limit' })]);
      const twice = await send('GET', `/v1/orders?${name}=x&${name}=y`, undefined);
      expect(twice.status, `query ${name} twice`).toBe(200);
      const header = await send('GET', '/v1/orders?limit=5', undefined, { [name]: 'x' });
      expect(header.status, `header ${name}`).toBe(200);
    }
  });

  it('refuses webhook endpoint URLs holding control characters, naming url', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook\r\nX-Injected: 1',
      'http://127.0.0.1:9/ho\tok',
      'http://127.0.0.1:9/hook\u0000',
      'http://exa\r\nmple.pe/hook',
      'http://exa%0D%0Ample.pe/hook',
    ]) {
      const result = await send(
        'POST',
        '/v1/webhook-endpoints',
        JSON.stringify({ url, events: ['order.paid'] }),
        { 'content-type': 'application/json' },
      );
      expect(result.status, JSON.stringify(url)).toBe(400);
      expect(JSON.parse(result.text).errors, JSON.stringify(url)).toEqual([
        expect.objectContaining({ field: 'url' }),
      ]);
    }
  });

  it('answers oversized headers with 431 problem+json', async () => {
    const result = await send('GET', '/v1/orders', undefined, { 'x-padding': 'a'.repeat(20_000) });
    expect(result.status).toBe(431);
    expect(result.contentType).toContain('application/problem+json');
  });

  it('answers an oversized body with 413 problem+json and closes that connection, so the next call is unharmed', async () => {
    const huge = JSON.stringify({ ...orderRequest(), concept: 'x'.repeat(7 * 1024 * 1024) });
    const response = await fetch(`${stack().apiUrl}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FUZZ_KEY}`, 'content-type': 'application/json' },
      body: huge,
      signal: AbortSignal.timeout(15_000),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
    // The same client's next call: a fresh connection, not one the server is about to reset.
    const next = await send('GET', '/v1/orders?limit=1');
    expect(next.status).toBe(200);
  });
});
