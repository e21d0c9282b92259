/** What one order may ask for: the order routes validate against these, and risk rules read them. */

/** The PSP accepts 10 minutes to 6 months. We cap at 30 days: the marketplace holds stock meanwhile. */
export const MIN_EXPIRY_MINUTES = 10;
export const MAX_EXPIRY_MINUTES = 30 * 24 * 60;
export const DEFAULT_EXPIRY_MINUTES = 24 * 60;
/** S/ 1,000,000.00: far above any cash-voucher payment, well inside safe integers. */
export const MAX_AMOUNT_MINOR = 100_000_000;
export const MAX_SPLITS = 20;
