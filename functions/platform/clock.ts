/**
 * The one source of "now" for handlers, jobs and the sandbox. In AWS the offset is always 0; the
 * local stack moves it with `POST /_local/clock` so expiry can be tested without waiting.
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function nowMs(): number {
  return Date.now() + offsetMs;
}

export function advanceClock(seconds: number): Date {
  offsetMs += seconds * 1000;
  return now();
}
