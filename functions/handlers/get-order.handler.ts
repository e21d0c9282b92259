import { OrderIdParamsSchema } from '#orders/request-schemas';
import { orderAsSeenBy } from '#orders/seen-by-caller';
import { NotFoundError } from '#platform/errors';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { getOrder } from '#store/orders-repository';

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  const notFound = () => new NotFoundError(`No order ${id}.`);
  return { status: 200, body: orderAsSeenBy(event, await getOrder(id), notFound) };
};

export const handler = httpHandler(run);
