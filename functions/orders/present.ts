import { OrderSchema } from './api-schemas';
import type { Order } from './order';

/**
 * The order as the API shows it: the documented fields only, always in the schema's key order,
 * so a replayed response is byte-identical to the first one whatever DynamoDB did to key order.
 */
export function orderResponse(order: Order): Order {
  return OrderSchema.parse(order) as Order;
}

/** An order event's payload: the order as the API shows it, handed to the store to write. */
export function orderEventData(order: Order): Record<string, unknown> {
  return orderResponse(order) as unknown as Record<string, unknown>;
}
