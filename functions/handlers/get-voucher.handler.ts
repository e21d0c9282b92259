import { CipParamsSchema } from '#orders/request-schemas';
import { orderAsSeenBy } from '#orders/seen-by-caller';
import { NotFoundError } from '#platform/errors';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { getOrderByCip } from '#store/orders-repository';

/** Support teams search by the code the buyer holds; answers with the order that owns it. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event) => {
  const { cip } = parseParams(event.pathParameters, CipParamsSchema, 'path');
  const notFound = () => new NotFoundError(`No voucher with CIP ${cip}.`);
  return { status: 200, body: orderAsSeenBy(event, await getOrderByCip(cip), notFound) };
};

export const handler = httpHandler(run);
