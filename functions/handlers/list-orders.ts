import { ListOrdersQuerySchema } from '../orders/api-schemas';
import { httpHandler, parseParams } from '../platform/http';
import { listOrders } from '../store/orders-repository';

export const handler = httpHandler(async (event) => {
  const query = parseParams(event.queryStringParameters, ListOrdersQuerySchema, 'query');
  return { status: 200, body: await listOrders(query) };
});
