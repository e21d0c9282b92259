import { idempotentOperation } from '#http/idempotency';
import { cancelOrder } from '#orders/cancel-order';
import { orderResponse } from '#orders/present';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';

/**
 * With an Idempotency-Key (the SDK sends one on every POST), a cancel retried after its answer was
 * lost answers as the first did instead of 409 `invalid_status` for an order it cancelled
 * (decision 132) — even after a crash right after the cancellation: the key's record is committed
 * in the cancellation's transaction (decision 133).
 */
const cancelOnce = idempotentOperation<string, ReturnType<typeof orderResponse>>(
  'cancel-order',
  async (id, completion) =>
    orderResponse(
      await cancelOrder(id, pspProvider(), walletProvider(), (next) => completion(orderResponse(next))),
    ),
);

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event, context) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: await cancelOnce(event, context, { orderId: id }, id) };
};

export const handler = httpHandler(run);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
