// zod/mini (decision 57): what the ledger routes validate; the function loads no classic zod.
// The responses' schemas (api-schemas.ts) only document them.
import * as z from 'zod/mini';
import { CURRENCIES } from '#model/money';
import { externalId, pagingFields } from '#platform/api-fields';
import { schema } from '#platform/schema';

/** A seller id: what marketplaces name their sellers with (as in an order's splits). */
const sellerId = externalId;

export const SellerParamsSchema = /* @__PURE__ */ schema(() => z.object({ sellerId }));
export const SellerLedgerQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    ...pagingFields(25),
  }),
);
export const TrialBalanceQuerySchema = /* @__PURE__ */ schema(() =>
  z.object({
    currency: z._default(z.optional(z.enum(CURRENCIES)), 'PEN'),
  }),
);
