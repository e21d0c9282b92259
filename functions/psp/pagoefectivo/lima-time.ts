import { limaWallClock } from '#platform/lima-time';

/*
 * Lima time is a fixed offset (platform/lima-time.ts). We convert the real instant; stamping
 * "-05:00" on a UTC reading (a bug of the official demo) would shift every date by five hours.
 */

/** `2026-11-26T09:04:00-05:00` for the instant 2026-11-26T14:04:00Z (to the second). */
export function toLimaIso(instant: Date): string {
  return `${limaWallClock(instant).toISOString().slice(0, 19)}-05:00`;
}

/** PagoEfectivo writes `1900-01-01T00:00:00-05:00` for "no date". */
const NO_DATE_YEAR = 1900;

/**
 * Parses a PSP timestamp. An explicit offset is honoured; a timestamp without one is Lima time
 * (what the PSP means when it drops it). Milliseconds are accepted. "No date" → undefined.
 */
export function parsePspDate(value: string | null | undefined): Date | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const hasOffset = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text);
  const date = new Date(hasOffset ? text : `${text}-05:00`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a PSP date: ${JSON.stringify(value)}`);
  if (date.getUTCFullYear() <= NO_DATE_YEAR) return undefined;
  return date;
}
