import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookupFor, isForbiddenAddress } from './url-policy';

export interface PostResult {
  statusCode: number | null;
  durationMs: number;
  error?: string;
}

/**
 * One POST to a marketplace endpoint, bounded by `timeoutMs` overall. Outside the local stage the
 * connection goes through `guardedLookup`, so a name that resolves to a private address is refused
 * at connect time. The response body is read (at most 4 KiB) and dropped.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const started = performance.now();
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // Node calls no `lookup` for a literal IP, so guardedLookup never sees one: check it here.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && isForbiddenAddress(literal, options.allowPrivate)) {
    return Promise.resolve({ statusCode: null, durationMs: 0, error: `${literal} is a forbidden address` });
  }
  return new Promise((resolve) => {
    const done = (statusCode: number | null, error?: string) =>
      resolve({
        statusCode,
        durationMs: Math.round(performance.now() - started),
        ...(error ? { error } : {}),
      });
    const request = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookupFor(options.allowPrivate),
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 4096) response.destroy();
        });
        response.on('close', () => done(response.statusCode ?? null));
        response.on('error', () => done(response.statusCode ?? null));
      },
    );
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on('error', (error) => done(null, error.message));
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });
}
