import { idempotentOperation } from '#http/idempotency';
import type { Order } from '#model/order';
import { riskRules } from '#model/risk-rules';
import { createOrder } from '#orders/create-order';
import { type CreateOrderRequest, CreateOrderRequestSchema } from '#orders/create-order-request';
import { orderResponse } from '#orders/present';
import { type HttpEndpoint, httpHandler, jsonBody, validate } from '#platform/http';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';

const createOrderOnce = idempotentOperation<CreateOrderRequest, Order>(
  'create-order',
  (request, completion) => createOrder(request, pspProvider(), completion, walletProvider()),
);

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event, context) => {
  // Validate first: a bad body never touches the PSP or the idempotency store.
  const body = jsonBody(event);
  const request = validate(body, CreateOrderRequestSchema);
  const order = await createOrderOnce(event, context, body, request);
  return { status: 201, body: orderResponse(order), headers: { location: `/v1/orders/${order.id}` } };
};

export const handler = httpHandler(run);

// At init, not by the first request: the stage's PSP client with its reply schemas, and the
// stage's risk rules (a malformed RISK_RULES fails the deployment here).
pspProvider();
riskRules();
