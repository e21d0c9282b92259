import { orderResponse } from '#orders/present';
import {
  OpenReviewsQuerySchema,
  OrderIdParamsSchema,
  RiskReviewRequestSchema,
} from '#orders/request-schemas';
import { reviewRisk } from '#orders/review-risk';
import { httpHandler, parseJsonBody, parseParams } from '#platform/http';
import { routeTo } from '#platform/router';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';
import { batchGetOrders } from '#store/orders-repository';
import { openReviewOrderIds } from '#store/risk-repository';

/** Orders the risk rules flagged: the review queue, and a person's decision on one. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('risk-review', {
  'GET /v1/risk/reviews': async (event) => {
    const { limit, cursor } = parseParams(event.queryStringParameters, OpenReviewsQuerySchema, 'query');
    const page = await openReviewOrderIds(limit, cursor);
    const orders = await batchGetOrders(page.orderIds);
    return { status: 200, body: { items: orders.map(orderResponse), nextCursor: page.nextCursor } };
  },
  'POST /v1/orders/{id}/risk-review': async (event) => {
    const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
    const { decision, note } = parseJsonBody(event, RiskReviewRequestSchema);
    const by = String(event.requestContext.authorizer?.keyId ?? 'unknown');
    return {
      status: 200,
      body: orderResponse(await reviewRisk(id, decision, note, by, pspProvider(), walletProvider())),
    };
  },
});

export const handler = httpHandler(run);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
