import { extendExpiry } from '#orders/extend-expiry';
import { orderResponse } from '#orders/present';
import { ExtendExpiryRequestSchema, OrderIdParamsSchema } from '#orders/request-schemas';
import { type HttpEndpoint, httpHandler, parseJsonBody, parseParams } from '#platform/http';
import { pspProvider } from '#psp/index';

/** POST /v1/orders/{id}/extend-expiry — more time for the buyer, before the voucher expires. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  const { expiresInMinutes } = parseJsonBody(event, ExtendExpiryRequestSchema);
  return { status: 200, body: orderResponse(await extendExpiry(id, expiresInMinutes, pspProvider())) };
};

export const handler = httpHandler(run);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
