import { orderForSeller, orderResponse } from '#orders/present';
import { CipParamsSchema } from '#orders/request-schemas';
import { NotFoundError } from '#platform/errors';
import {
  callerSellerId,
  type HttpEndpoint,
  hideFromOtherSellers,
  httpHandler,
  parseParams,
} from '#platform/http';
import { getOrderByCip } from '#store/orders-repository';

/** Support teams search by the code the buyer holds; answers with the order that owns it. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event) => {
  const { cip } = parseParams(event.pathParameters, CipParamsSchema, 'path');
  const order = await getOrderByCip(cip);
  const notFound = () => new NotFoundError(`No voucher with CIP ${cip}.`);
  if (order === undefined) throw notFound();
  hideFromOtherSellers(event, (seller) => order.splits.some((split) => split.sellerId === seller), notFound);
  return { status: 200, body: orderForSeller(orderResponse(order), callerSellerId(event)) };
};

export const handler = httpHandler(run);
