import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time an invocation has left, available to any code below the handler without threading it
 * through every use case: the handler wrappers (http.ts, job-handler.ts) run each invocation
 * inside `withDeadline`, and outbound calls (the PSP client) read `timeLeftMs()` to bound
 * themselves. Monotonic real time: the local test clock moves business time, not deadlines.
 */
const invocation = new AsyncLocalStorage<{ deadline: number }>();

/**
 * What each wrapper keeps back from Lambda's own timeout: enough to write what the work produced
 * (a DynamoDB transaction), answer, and flush metrics — so a slow PSP never gets the function
 * killed mid-write with its metrics lost.
 */
export const RESERVE_MS = { http: 2_000, job: 5_000 } as const;

/** Below this much time left an outbound call is not started: it could not usefully finish. */
export const MIN_CALL_MS = 1_000;

export function withDeadline<T>(remainingMs: number, reserveMs: number, run: () => Promise<T>): Promise<T> {
  return invocation.run({ deadline: performance.now() + Math.max(0, remainingMs - reserveMs) }, run);
}

/** Milliseconds left before the current invocation must stop starting work; Infinity outside one. */
export function timeLeftMs(): number {
  const current = invocation.getStore();
  return current ? Math.max(0, current.deadline - performance.now()) : Number.POSITIVE_INFINITY;
}
