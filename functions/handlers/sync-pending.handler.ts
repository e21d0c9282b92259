import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { syncPendingOrders } from '#jobs/sync-pending';
import { confirmPaymentDates } from '#payments/confirm-payment-dates';
import { refusedClosureAttempt } from '#payments/found-payments';
import { type OptionClosers, retryPendingClosures } from '#payments/option-closures';
import { nowMs } from '#platform/clock';
import { config } from '#platform/config';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { metrics } from '#platform/powertools';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';
import { jobLeases } from '#store/job-leases';
import { countApprovedSince } from '#store/refunds-repository';

/**
 * EventBridge Scheduler, every few minutes per stage: recover payments whose notification was
 * lost (the CIP's and every open wallet option's); confirm payment dates that stood in from a notification's receipt with the provider's own
 * (payments/confirm-payment-dates.ts); close the options a payment made redundant whose close did
 * not finish (payments/option-closures.ts); and count refunds approved but still not paid out after REFUND_OVERDUE_DAYS (alarmed:
 * a buyer waiting for their money is the complaint that comes next).
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = async (hasTimeLeft) => {
  const closers: OptionClosers = { psp: pspProvider(), wallet: walletProvider() };
  const summary = await syncPendingOrders(closers.psp, {
    maxOrders: config().JOB_MAX_ORDERS,
    batchSize: config().PSP_SEARCH_BATCH_SIZE,
    hasTimeLeft,
    wallet: closers.wallet,
  });
  const paymentDates = await confirmPaymentDates(pspProvider, {
    maxPayments: config().JOB_MAX_ORDERS,
    batchSize: config().PSP_SEARCH_BATCH_SIZE,
    hasTimeLeft,
  });
  const optionClosures = await retryPendingClosures(closers, {
    max: config().JOB_MAX_ORDERS,
    hasTimeLeft,
    // A refusal is read back: the payment that made it is applied even if its notification is lost.
    checkRefused: (closure) => refusedClosureAttempt(closure, closers),
  });
  const before = new Date(nowMs() - config().REFUND_OVERDUE_DAYS * 86_400_000).toISOString();
  const refundsOverdue = await countApprovedSince(before);
  metrics.addMetric('RefundsOverdue', MetricUnit.Count, refundsOverdue);
  return { ...summary, paymentDates, optionClosures, refundsOverdue };
};

export const handler = jobHandler('sync-pending', run, jobLeases);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
