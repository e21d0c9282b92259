import { SellerLedgerQuerySchema, sellerInPath, TrialBalanceQuerySchema } from '#ledger/request-schemas';
import { nextPayoutDate, payoutSchedule } from '#model/payout-schedule';
import { now } from '#platform/clock';
import { httpHandler, parseParams } from '#platform/http';
import { routeTo } from '#platform/router';
import { integrityProgress, loadIntegrityReport } from '#store/ledger-integrity-repository';
import { getSellerBalance, listSellerLedger, trialBalance } from '#store/ledger-repository';

/**
 * Reading the money: a seller's balance (one GetItem), a seller's ledger lines, the trial balance,
 * and the ledger's latest self-check (two GetItems: the report and the pass in progress).
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('ledger', {
  'GET /v1/ledger/trial-balance': async (event) => {
    const { currency } = parseParams(event.queryStringParameters, TrialBalanceQuerySchema, 'query');
    return { status: 200, body: await trialBalance(currency) };
  },
  'GET /v1/ledger/integrity': async () => {
    const [latest, running] = await Promise.all([loadIntegrityReport(), integrityProgress()]);
    return { status: 200, body: { latest: latest ?? null, running: running ?? null } };
  },
  'GET /v1/sellers/{sellerId}/balance': async (event) => {
    const sellerId = sellerInPath(event);
    // When the next scheduled payout is, and what it would be if it ran now (at least the minimum).
    const schedule = payoutSchedule();
    const on = nextPayoutDate(schedule, now());
    const balances = (await getSellerBalance(sellerId)).map((balance) => ({
      ...balance,
      nextPayout: {
        on,
        estimatedAmount: balance.available >= schedule.minimumAmount ? balance.available : 0,
      },
    }));
    return { status: 200, body: { sellerId, balances } };
  },
  'GET /v1/sellers/{sellerId}/ledger': async (event) => {
    const sellerId = sellerInPath(event);
    const { limit, cursor } = parseParams(event.queryStringParameters, SellerLedgerQuerySchema, 'query');
    return { status: 200, body: await listSellerLedger(sellerId, limit, cursor) };
  },
});

export const handler = httpHandler(run);
