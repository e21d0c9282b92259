import { OrderIdParamsSchema } from '../orders/api-schemas';
import { orderResponse } from '../orders/present';
import { NotFoundError } from '../platform/errors';
import { httpHandler, parseParams } from '../platform/http';
import { getOrder } from '../store/orders-repository';

export const handler = httpHandler(async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  const order = await getOrder(id);
  if (order === undefined) throw new NotFoundError(`No order ${id}.`);
  return { status: 200, body: orderResponse(order) };
});
