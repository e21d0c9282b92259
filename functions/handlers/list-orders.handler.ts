import { orderForSeller, orderResponse } from '#orders/present';
import { ListOrdersQuerySchema } from '#orders/request-schemas';
import { callerSellerId, type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { listOrders } from '#store/orders-repository';

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event) => {
  const query = parseParams(event.queryStringParameters, ListOrdersQuerySchema, 'query');
  // A seller's key lists that seller's orders, whatever sellerId it asks for.
  const sellerId = callerSellerId(event);
  const page = await listOrders(sellerId === undefined ? query : { ...query, sellerId });
  // …and sees of each order its own split only.
  const items = page.items.map((order) => orderForSeller(orderResponse(order), sellerId));
  return { status: 200, body: { items, nextCursor: page.nextCursor } };
};

export const handler = httpHandler(run);
