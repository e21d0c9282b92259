import * as z from 'zod/mini';
import { schemasOnFirstUse } from '#platform/schema';
import type { ParsedWalletNotification } from '../wallet-provider';

const eventSchemas = /* @__PURE__ */ schemasOnFirstUse(() => ({
  Event: z.looseObject({
    object: z.optional(z.string()),
    id: z.optional(z.string()),
    type: z.string().check(z.minLength(1)),
    // Culqi sends the affected object as a JSON string (its published samples); an object is read too.
    data: z.union([z.string(), z.record(z.string(), z.unknown())]),
  }),
  Order: z.looseObject({
    id: z.string().check(z.regex(/^ord_/, 'not a Culqi order id')),
    order_number: z.optional(z.string()),
  }),
}));

/**
 * Reads a Culqi event (`{object:"event", type:"order.status.changed", data:"{…order…}"}`) for the
 * order it names. Only the ids are taken: the state is read back from Culqi's API before anything
 * is applied (decision 105), so a body that lies about the state changes nothing.
 */
export function parseCulqiNotification(rawBody: Buffer): ParsedWalletNotification {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'unparsable', reason: 'The Culqi notification is not JSON.' };
  }
  const schemas = eventSchemas();
  const event = schemas.Event.safeParse(json);
  if (!event.success) return { kind: 'unparsable', reason: 'Not a Culqi event (object, type, data).' };
  if (event.data.type !== 'order.status.changed')
    return { kind: 'informational', eventType: event.data.type };
  let data: unknown = event.data.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return { kind: 'unparsable', reason: 'The event data is not a JSON order.' };
    }
  }
  const order = schemas.Order.safeParse(data);
  if (!order.success) return { kind: 'unparsable', reason: 'The event names no Culqi order.' };
  return { kind: 'status', providerRef: order.data.id, optionId: order.data.order_number };
}
