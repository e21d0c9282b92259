import { orderForSeller, orderResponse } from '#orders/present';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { NotFoundError } from '#platform/errors';
import {
  callerSellerId,
  type HttpEndpoint,
  hideFromOtherSellers,
  httpHandler,
  parseParams,
} from '#platform/http';
import { getOrder } from '#store/orders-repository';

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  const order = await getOrder(id);
  const notFound = () => new NotFoundError(`No order ${id}.`);
  if (order === undefined) throw notFound();
  hideFromOtherSellers(event, (seller) => order.splits.some((split) => split.sellerId === seller), notFound);
  return { status: 200, body: orderForSeller(orderResponse(order), callerSellerId(event)) };
};

export const handler = httpHandler(run);
