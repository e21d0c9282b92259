import { ListOrdersQuerySchema } from '../orders/api-schemas';
import { orderResponse } from '../orders/present';
import { httpHandler, parseParams } from '../platform/http';
import { listOrders } from '../store/orders-repository';

export const handler = httpHandler(async (event) => {
  const query = parseParams(event.queryStringParameters, ListOrdersQuerySchema, 'query');
  const page = await listOrders(query);
  return { status: 200, body: { items: page.items.map(orderResponse), nextCursor: page.nextCursor } };
});
