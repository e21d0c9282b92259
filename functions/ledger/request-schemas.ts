// zod/mini (decision 57): what the ledger routes validate; the function loads no classic zod.
// The responses' schemas (api-schemas.ts) only document them.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { CURRENCIES } from '#model/money';
import { externalId, pagingFields } from '#platform/api-fields';
import { NotFoundError } from '#platform/errors';
import { hideFromOtherSellers, parseParams } from '#platform/http';
import { schema } from '#platform/schema';

/** A seller id: what marketplaces name their sellers with (as in an order's splits). */
const sellerId = externalId;

export const SellerParamsSchema = /* @__PURE__ */ schema(() => z.object({ sellerId }));

/**
 * The seller a path names (the ledger's and the bank accounts' routes); a seller's key sees only
 * its own, and another seller's id answers the same 404 as an unknown one.
 */
export function sellerInPath(event: APIGatewayProxyEvent): string {
  const { sellerId } = parseParams(event.pathParameters, SellerParamsSchema, 'path');
  hideFromOtherSellers(
    event,
    (seller) => seller === sellerId,
    () => new NotFoundError(`No seller ${sellerId}.`),
  );
  return sellerId;
}
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
