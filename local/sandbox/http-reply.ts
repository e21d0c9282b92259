import type { IncomingMessage } from 'node:http';

export type Json = Record<string, unknown>;

/** What a sandbox route answers: status, body (JSON unless a string or bytes) and media type. */
export class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json; charset=utf-8',
  ) {}
}

/** PagoEfectivo's error shape: a code, a Spanish message and, for a field, the field. */
export const fail = (status: number, code: number, message: string, field?: string) =>
  new HttpReply(status, { code, message, ...(field ? { data: [{ code, message, field }] } : {}) });

export async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SyntaxError('not an object');
  return parsed as Json;
}

/** What became of one notification the sandbox posted: the merchant's status, or why none came. */
export type Delivery = { status: number | null; error?: string };

/** Posts a signed notification to the merchant as a PSP does (10 s timeout), never throwing. */
export async function postNotification(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Delivery> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    return { status: null, error: error instanceof Error ? error.message : String(error) };
  }
}
