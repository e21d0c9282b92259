import { OrderIdParamsSchema } from '#orders/api-schemas';
import { cancelOrder } from '#orders/cancel-order';
import { orderResponse } from '#orders/present';
import { httpHandler, parseParams } from '#platform/http';
import { pspProvider } from '#psp/index';

export const handler = httpHandler(async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: orderResponse(await cancelOrder(id, pspProvider())) };
});
