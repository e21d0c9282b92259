/**
 * Peru keeps UTC−5 all year (no daylight saving since 1994), so Lima's wall clock is a fixed
 * offset from UTC: every reading and writing of Lima time (PSP timestamps, payout dates, the
 * voucher page's deadline) goes through here. test/unit/voucher-page.test.ts holds it to Intl's
 * `America/Lima` over two years; should Peru ever change its clock, that test fails first.
 */
export const LIMA_OFFSET_MS = -5 * 60 * 60 * 1000;

/** A Date whose UTC fields (`getUTCHours()`, `toISOString()`…) read Lima's wall clock at `instant`. */
export function limaWallClock(instant: Date | number): Date {
  return new Date(new Date(instant).getTime() + LIMA_OFFSET_MS);
}
