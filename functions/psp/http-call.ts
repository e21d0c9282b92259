import { MIN_CALL_MS, timeLeftMs } from '#platform/deadline';
import { PspUnavailableError } from '#platform/errors';
import { logger } from '#platform/powertools';

/** A PSP's answer: its HTTP status and its JSON body (undefined when empty or unreadable). */
export interface PspResponse {
  status: number;
  body: unknown;
}

/**
 * One HTTP call to a PSP, the same way for every adapter: it waits at most the adapter's own
 * timeout AND what the invocation has left (RESERVE_MS kept), an unreachable or silent PSP is a
 * 503 the caller may retry, and a 2xx that is not JSON is a 502. Error bodies that are not JSON
 * come back with an undefined body, for the adapter to explain by status.
 */
export async function callPsp(
  psp: string,
  url: URL,
  request: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<PspResponse> {
  const leftMs = timeLeftMs();
  if (leftMs < MIN_CALL_MS) {
    logger.warn(`${psp} not called: no time left in this invocation`, { path: url.pathname, leftMs });
    throw new PspUnavailableError(`No time left to call ${psp}; try again.`, 503);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      ...request,
      signal: AbortSignal.timeout(Math.floor(Math.min(timeoutMs, leftMs))),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    logger.warn(`${psp} unreachable`, { path: url.pathname, timedOut, error });
    throw new PspUnavailableError(
      timedOut ? `${psp} did not answer in time.` : `${psp} could not be reached.`,
      503,
    );
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  } catch {
    if (response.ok) throw new PspUnavailableError(`${psp} answered with something that is not JSON.`, 502);
    return { status: response.status, body: undefined };
  }
}
