// zod/mini: the voucher page reads it at init and loads no other zod (decision 57).
import * as z from 'zod/mini';
import '#platform/zod-english';
import { plainText } from '#platform/api-fields';
import { config } from '#platform/config';
import { schema } from '#platform/schema';
import type { VoucherPageSettings } from './view';

export const VoucherPageSettingsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    // Shown to every buyer beside our own words: free text like any the API takes (no bidi
    // override running into the page's sentence, no invisible characters).
    marketplaceName: plainText({ min: 1, max: 80 }),
    whereToPayUrl: z.url({ protocol: /^https$/ }),
  }),
);

/** Used where a stage sets nothing (lib/stage-config.ts sets both for every deployed stage). */
export const DEFAULT_VOUCHER_PAGE_SETTINGS: VoucherPageSettings = {
  marketplaceName: 'Marketplace',
  whereToPayUrl: 'https://www.pagoefectivo.pe/',
};

let cached: VoucherPageSettings | undefined;

/** The stage's page settings (VOUCHER_PAGE), read once; a malformed value fails the container. */
export function voucherPageSettings(): VoucherPageSettings {
  if (cached === undefined) {
    const raw = config().VOUCHER_PAGE;
    cached =
      raw === undefined ? DEFAULT_VOUCHER_PAGE_SETTINGS : VoucherPageSettingsSchema.parse(JSON.parse(raw));
  }
  return cached;
}

export function resetVoucherPageSettingsForTests(): void {
  cached = undefined;
}
