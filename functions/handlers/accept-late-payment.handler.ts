import { applyOrderAction } from '#orders/order-actions';
import { orderResponse } from '#orders/present';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';

/** POST /v1/orders/{id}/accept-late-payment — the marketplace honours a payment made after expiry/cancel. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: orderResponse(await applyOrderAction(id, 'accept-late-payment')) };
};

export const handler = httpHandler(run);
