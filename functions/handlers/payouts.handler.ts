import type { APIGatewayProxyEvent } from 'aws-lambda';
import { idempotentOperation } from '#http/idempotency';
import { sellerInPath } from '#ledger/request-schemas';
import { minorToDecimal } from '#model/money';
import {
  bankAccountResponse,
  movePayout,
  payoutResponse,
  putBankAccount,
  requestPayout,
} from '#payouts/payouts';
import {
  type CreatePayoutRequest,
  CreatePayoutRequestSchema,
  ListPayoutsQuerySchema,
  MarkPayoutFailedRequestSchema,
  MarkPayoutPaidRequestSchema,
  PayoutIdParamsSchema,
  PutBankAccountRequestSchema,
  RejectPayoutRequestSchema,
} from '#payouts/request-schemas';
import { csvText, neutraliseFormula } from '#platform/csv';
import { NotFoundError, ValidationError } from '#platform/errors';
import {
  callerActor,
  callerSellerId,
  hideFromOtherSellers,
  httpHandler,
  type JsonResult,
  jsonBody,
  parseJsonBody,
  parseParams,
  validate,
} from '#platform/http';
import { routeTo } from '#platform/router';
import type { Actor } from '#refunds/refunds';
import { bankAccountHistory, getBankAccount, getBankAccountVersion } from '#store/bank-accounts-repository';
import { getPayout, listPayouts, type StoredPayout } from '#store/payouts-repository';

const actor = (event: APIGatewayProxyEvent): Actor => callerActor(event);

const requestPayoutOnce = idempotentOperation<{ request: CreatePayoutRequest; by: Actor }, StoredPayout>(
  'create-payout',
  ({ request, by }, completion) => requestPayout(request, by, undefined, completion),
);

/**
 * The bank file for the finance team: one row per payout, generic columns (each Peruvian bank's
 * bulk format differs; map these to yours). The full CCI: this file goes to the bank.
 */
async function bankFile(payouts: StoredPayout[]): Promise<string> {
  const rows = [['beneficiary', 'documentType', 'documentNumber', 'cci', 'amount', 'currency', 'reference']];
  for (const payout of payouts) {
    const account = await getBankAccountVersion(payout.sellerId, payout.bankAccountVersion);
    rows.push([
      account?.holderName ?? '',
      account?.documentType ?? '',
      account?.documentNumber ?? '',
      account?.cci ?? '',
      minorToDecimal(payout.amount),
      payout.currency,
      payout.id,
    ]);
  }
  return csvText(rows.map((row) => row.map(neutraliseFormula)));
}

/** The payout a path names (`{id}`), parsed. */
const payoutId = (event: APIGatewayProxyEvent) =>
  parseParams(event.pathParameters, PayoutIdParamsSchema, 'path').id;

/** Sellers' bank accounts and payouts: request, approve (maker-checker), pay, and the bank file. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('payouts', {
  'PUT /v1/sellers/{sellerId}/bank-account': async (event) => {
    const sellerId = sellerInPath(event);
    const request = parseJsonBody(event, PutBankAccountRequestSchema);
    const { account } = await putBankAccount(sellerId, request, actor(event));
    return { status: 200, body: bankAccountResponse(account, await bankAccountHistory(sellerId)) };
  },
  'GET /v1/sellers/{sellerId}/bank-account': async (event) => {
    const sellerId = sellerInPath(event);
    const account = await getBankAccount(sellerId);
    if (account === undefined) throw new NotFoundError(`Seller ${sellerId} has no bank account.`);
    return { status: 200, body: bankAccountResponse(account, await bankAccountHistory(sellerId)) };
  },
  'POST /v1/payouts': async (event, context) => {
    const body = jsonBody(event);
    const request = validate(body, CreatePayoutRequestSchema);
    const payout = await requestPayoutOnce(event, context, { body }, { request, by: actor(event) });
    return {
      status: 201,
      body: await payoutResponse(payout),
      headers: { location: `/v1/payouts/${payout.id}` },
    };
  },
  'GET /v1/payouts': async (event): Promise<JsonResult> => {
    const parsed = parseParams(event.queryStringParameters, ListPayoutsQuerySchema, 'query');
    // A seller's key lists that seller's payouts, whatever sellerId it asks for.
    const ownSeller = callerSellerId(event);
    const query = ownSeller === undefined ? parsed : { ...parsed, sellerId: ownSeller };
    if (query.status === undefined && query.sellerId === undefined) {
      throw new ValidationError([{ field: 'query.status', message: 'Give a status or a sellerId.' }]);
    }
    const page = await listPayouts(query);
    if (query.format === 'csv') {
      return {
        status: 200,
        body: undefined,
        text: await bankFile(page.items),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="payouts.csv"',
          ...(page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {}),
        },
      };
    }
    return {
      status: 200,
      body: {
        items: await Promise.all(page.items.map((payout) => payoutResponse(payout))),
        nextCursor: page.nextCursor,
      },
    };
  },
  'GET /v1/payouts/{id}': async (event) => {
    const id = payoutId(event);
    const payout = await getPayout(id);
    const notFound = () => new NotFoundError(`No payout ${id}.`);
    if (payout === undefined) throw notFound();
    hideFromOtherSellers(event, (seller) => payout.sellerId === seller, notFound);
    return { status: 200, body: await payoutResponse(payout, { items: true, bankAccount: true }) };
  },
  'POST /v1/payouts/{id}/approve': async (event) => ({
    status: 200,
    body: await payoutResponse(await movePayout(payoutId(event), 'approve', actor(event))),
  }),
  'POST /v1/payouts/{id}/reject': async (event) => {
    const id = payoutId(event);
    const { reason } = parseJsonBody(event, RejectPayoutRequestSchema);
    return {
      status: 200,
      body: await payoutResponse(await movePayout(id, 'reject', actor(event), { reason })),
    };
  },
  'POST /v1/payouts/{id}/mark-paid': async (event) => {
    const id = payoutId(event);
    const proof = parseJsonBody(event, MarkPayoutPaidRequestSchema);
    return {
      status: 200,
      body: await payoutResponse(await movePayout(id, 'mark-paid', actor(event), proof)),
    };
  },
  'POST /v1/payouts/{id}/mark-failed': async (event) => {
    const id = payoutId(event);
    const { reason } = parseJsonBody(event, MarkPayoutFailedRequestSchema);
    return {
      status: 200,
      body: await payoutResponse(await movePayout(id, 'mark-failed', actor(event), { reason })),
    };
  },
});

export const handler = httpHandler(run);
