import { OrderIdParamsSchema } from '../orders/api-schemas';
import { cancelOrder } from '../orders/cancel-order';
import { httpHandler, parseParams } from '../platform/http';
import { pagoEfectivo } from '../psp/pagoefectivo';

export const handler = httpHandler(async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  return { status: 200, body: await cancelOrder(id, pagoEfectivo()) };
});
