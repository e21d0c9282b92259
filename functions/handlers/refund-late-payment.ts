import { OrderIdParamsSchema, RefundLatePaymentRequestSchema } from '../orders/api-schemas';
import { applyOrderAction } from '../orders/order-actions';
import { orderResponse } from '../orders/present';
import { httpHandler, parseJsonBody, parseParams } from '../platform/http';

/**
 * POST /v1/orders/{id}/refund-late-payment — the marketplace gave a late payment back to the buyer
 * (outside PagoEfectivo, which has no refund API) and records it: PAID_LATE → REFUNDED.
 */
export const handler = httpHandler(async (event) => {
  const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
  const request = parseJsonBody(event, RefundLatePaymentRequestSchema);
  const recordedBy = String(event.requestContext.authorizer?.keyId ?? 'unknown');
  const order = await applyOrderAction(id, 'refund-late-payment', { ...request, recordedBy });
  return { status: 200, body: orderResponse(order) };
});
