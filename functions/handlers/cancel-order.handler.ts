import { cancelOrder } from '#orders/cancel-order';
import { orderResponse } from '#orders/present';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: orderResponse(await cancelOrder(id, pspProvider(), walletProvider())) };
};

export const handler = httpHandler(run);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
