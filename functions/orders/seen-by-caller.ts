import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Order } from '#model/order';
import { callerSellerId, hideFromOtherSellers } from '#platform/http';
import { type OrderView, orderForSeller, orderResponse } from './present';

/**
 * For the HTTP handlers only (present.ts stays free of the HTTP layer: jobs present orders too).
 * One order as this caller may see it: `notFound` (the same answer as a missing order) for a
 * seller key with no split in it, and only the caller's own splits for a seller key.
 */
export function orderAsSeenBy(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  order: Order | undefined,
  notFound: () => Error,
): OrderView {
  if (order === undefined) throw notFound();
  hideFromOtherSellers(event, (seller) => order.splits.some((split) => split.sellerId === seller), notFound);
  return orderForSeller(orderResponse(order), callerSellerId(event));
}
