/**
 * Optimistic concurrency, one policy: writes are conditional on the version read; a loser of the
 * race re-reads and decides again (the winner's change may settle the question — a payment
 * already applied, a refund already approved), a bounded number of times.
 */

/** A conditional write lost to a concurrent change of what was read: re-read and try again. */
export class StaleVersionError extends Error {}

/** Returned by an attempt that saw it must re-read (a race lost without an exception). */
export const READ_AGAIN = Symbol('read again');

/** How many reads a use case gets: enough for a burst of concurrent writers, bounded for a stuck one. */
export const DEFAULT_ATTEMPTS = 5;

/**
 * Runs `attempt(round)` (read, decide, conditional write; round 1, 2, … so the first can use
 * what the caller already read) until it returns a result, re-running it when
 * it throws a `StaleVersionError` or returns `READ_AGAIN`. After `attempts` lost races, the
 * answer is `exhausted()`'s: it throws a ConflictError for an API caller (409: retry), an Error
 * for a queue or batch (redelivered by its trigger), or returns what a job makes of it.
 */
export async function withFreshReads<T>(
  attempt: (round: number) => Promise<T | typeof READ_AGAIN>,
  exhausted: () => T,
  attempts = DEFAULT_ATTEMPTS,
): Promise<T> {
  for (let round = 1; round <= attempts; round++) {
    try {
      const result = await attempt(round);
      if (result !== READ_AGAIN) return result;
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
    }
  }
  return exhausted();
}
