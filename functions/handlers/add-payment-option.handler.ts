import { orderResponse } from '#orders/present';
import { AddPaymentOptionRequestSchema, OrderIdParamsSchema } from '#orders/request-schemas';
import { addWalletOption } from '#orders/wallet-options';
import { type HttpEndpoint, httpHandler, jsonBody, parseParams, validate } from '#platform/http';
import { walletProvider } from '#psp/wallets';

/**
 * POST /v1/orders/{id}/payment-options — adds a wallet option to a pending order (the buyer chose
 * it on the voucher page). Idempotent: an order that offers a wallet already answers with it.
 */
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  validate(jsonBody(event), AddPaymentOptionRequestSchema);
  return { status: 200, body: orderResponse(await addWalletOption(id, walletProvider())) };
};

export const handler = httpHandler(run);

// The stage's wallet client and its reply schemas are created at init, not by the first request.
walletProvider();
