import { idempotentOperation } from '#http/idempotency';
import { applyOrderAction } from '#orders/order-actions';
import { orderResponse } from '#orders/present';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';

/**
 * With an Idempotency-Key, a retry after a lost answer answers as the first did (decision 132); the
 * key's record is committed in the move's own transaction, so a crash between them cannot turn the
 * retry into a 409 (decision 133).
 */
const actOnce = idempotentOperation<string, ReturnType<typeof orderResponse>>(
  'accept-late-payment',
  async (id, completion) =>
    orderResponse(
      await applyOrderAction(id, 'accept-late-payment', (next) => completion(orderResponse(next))),
    ),
);

/** POST /v1/orders/{id}/accept-late-payment — the marketplace honours a payment made after expiry/cancel. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event, context) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: await actOnce(event, context, { orderId: id }, id) };
};

export const handler = httpHandler(run);
