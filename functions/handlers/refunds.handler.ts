import type { APIGatewayProxyEvent } from 'aws-lambda';
import { idempotentOperation } from '#http/idempotency';
import { OrderIdParamsSchema } from '#orders/request-schemas';
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors';
import {
  callerActor,
  callerSellerId,
  hideFromOtherSellers,
  httpHandler,
  jsonBody,
  parseJsonBody,
  parseParams,
  validate,
} from '#platform/http';
import { logger } from '#platform/powertools';
import { routeTo } from '#platform/router';
import { refundingPspProvider } from '#psp/refunding';
import { walletProvider } from '#psp/wallets';
import { refundForSeller, refundResponse } from '#refunds/present';
import { startProviderRefund, startWalletRefund } from '#refunds/provider-refunds';
import { type Actor, moveRefund, requestRefund } from '#refunds/refunds';
import {
  type CreateRefundRequest,
  CreateRefundRequestSchema,
  ListRefundsQuerySchema,
  MarkRefundFailedRequestSchema,
  MarkRefundPaidRequestSchema,
  RefundIdParamsSchema,
  RejectRefundRequestSchema,
} from '#refunds/request-schemas';
import { getRefund, listRefunds, type StoredRefund } from '#store/refunds-repository';

const actor = (event: APIGatewayProxyEvent): Actor => callerActor(event);

const requestRefundOnce = idempotentOperation<
  { orderId: string; request: CreateRefundRequest; by: Actor },
  StoredRefund
>('create-refund', ({ orderId, request, by }, completion) => requestRefund(orderId, request, by, completion));

/** The provider could not be asked to pay an approved refund: it stays APPROVED, and `approve` asks again. */
const unsent =
  (refund: StoredRefund) =>
  (error: unknown): StoredRefund => {
    logger.warn('refund approved but not yet sent to the provider; approve it again to retry', {
      refundId: refund.id,
      error,
    });
    return refund;
  };

/**
 * Who pays a refund once approved, where a provider does: a wallet's provider for a refund back to
 * a wallet payment (decision 114), the stage's PSP where it refunds cash payments itself (dLocal).
 * Undefined where a person transfers it.
 */
function sender(refund: StoredRefund): ((approved: StoredRefund) => Promise<StoredRefund>) | undefined {
  if (refund.destination.type === 'wallet_payment') {
    const { provider } = refund.destination;
    const wallet = walletProvider(provider);
    // Approved with nobody to pay it, it would sit APPROVED for good: refused before the approval.
    if (wallet === undefined)
      throw new ConflictError(
        'wallet_provider_unavailable',
        `This refund goes back through ${provider}, which this stage has no credentials for.`,
      );
    return (approved) => startWalletRefund(approved, wallet);
  }
  const psp = refundingPspProvider();
  return psp ? (approved) => startProviderRefund(approved, psp) : undefined;
}

/** The refund a path names (`{id}`), parsed. */
const refundId = (event: APIGatewayProxyEvent) =>
  parseParams(event.pathParameters, RefundIdParamsSchema, 'path').id;

/** Refunds: request one against an order's payment, read them, and move them through their lifecycle. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('refunds', {
  'POST /v1/orders/{id}/refunds': async (event, context) => {
    const { id } = parseParams(event.pathParameters, OrderIdParamsSchema, 'path');
    const body = jsonBody(event);
    const request = validate(body, CreateRefundRequestSchema);
    const created = await requestRefundOnce(
      event,
      context,
      { id, body },
      { orderId: id, request, by: actor(event) },
    );
    // Approved at once where the provider pays refunds itself (dLocal): ask it now, as an approval
    // does — else it would wait APPROVED for a notification that never comes. Outside the
    // idempotent operation (a replay must not create a second refund); if the provider's call
    // fails, the refund is created all the same and `approve` retries the call.
    const psp = refundingPspProvider();
    const refund = psp ? await startProviderRefund(created, psp).catch(unsent(created)) : created;
    return { status: 201, body: refundResponse(refund), headers: { location: `/v1/refunds/${refund.id}` } };
  },
  'GET /v1/refunds': async (event) => {
    const query = parseParams(event.queryStringParameters, ListRefundsQuerySchema, 'query');
    if (query.status === undefined && query.orderId === undefined) {
      throw new ValidationError([{ field: 'query.status', message: 'Give a status or an orderId.' }]);
    }
    const page = await listRefunds(query);
    // A seller's key sees the refunds its seller bears (the page may then hold fewer than `limit`).
    const sellerId = callerSellerId(event);
    const items = page.items.filter(
      (refund) =>
        sellerId === undefined || refund.allocations.some((allocation) => allocation.sellerId === sellerId),
    );
    return {
      status: 200,
      body: {
        items: items.map((refund) => refundForSeller(refundResponse(refund), sellerId)),
        nextCursor: page.nextCursor,
      },
    };
  },
  'GET /v1/refunds/{id}': async (event) => {
    const id = refundId(event);
    const refund = await getRefund(id);
    const notFound = () => new NotFoundError(`No refund ${id}.`);
    if (refund === undefined) throw notFound();
    hideFromOtherSellers(event, (seller) => refund.allocations.some((a) => a.sellerId === seller), notFound);
    return { status: 200, body: refundForSeller(refundResponse(refund), callerSellerId(event)) };
  },
  'POST /v1/refunds/{id}/approve': async (event) => {
    const id = refundId(event);
    const current = await getRefund(id);
    const send = current ? sender(current) : undefined;
    if (send === undefined)
      return { status: 200, body: refundResponse(await moveRefund(id, 'approve', actor(event))) };
    // A provider that refunds itself: approved, but the provider never heard of it (its call
    // failed) — approving again retries that call; a wallet refund sent but not yet marked is
    // marked (startWalletRefund).
    const approved =
      current?.status === 'APPROVED' &&
      (current.providerRefund === undefined || current.destination.type === 'wallet_payment')
        ? current
        : await moveRefund(id, 'approve', actor(event));
    return { status: 200, body: refundResponse(await send(approved)) };
  },
  'POST /v1/refunds/{id}/reject': async (event) => {
    const id = refundId(event);
    const { reason } = parseJsonBody(event, RejectRefundRequestSchema);
    return { status: 200, body: refundResponse(await moveRefund(id, 'reject', actor(event), { reason })) };
  },
  'POST /v1/refunds/{id}/mark-paid': async (event) => {
    const id = refundId(event);
    const proof = parseJsonBody(event, MarkRefundPaidRequestSchema);
    return { status: 200, body: refundResponse(await moveRefund(id, 'mark-paid', actor(event), proof)) };
  },
  'POST /v1/refunds/{id}/mark-failed': async (event) => {
    const id = refundId(event);
    const { reason } = parseJsonBody(event, MarkRefundFailedRequestSchema);
    return {
      status: 200,
      body: refundResponse(await moveRefund(id, 'mark-failed', actor(event), { reason })),
    };
  },
});

export const handler = httpHandler(run);

// Where the stage's provider pays refunds, its client and reply schemas are created at init, not
// by the first approval; a PagoEfectivo stage creates none here.
refundingPspProvider();
