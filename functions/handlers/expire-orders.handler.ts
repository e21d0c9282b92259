import { expireDueOrders } from '#jobs/expire-orders';
import { config } from '#platform/config';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';
import { jobLeases } from '#store/job-leases';

/** EventBridge Scheduler, every minute: expire unpaid orders before anyone can ship them. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = (hasTimeLeft) =>
  expireDueOrders(pspProvider(), {
    graceSeconds: config().EXPIRY_GRACE_SECONDS,
    maxOrders: config().JOB_MAX_ORDERS,
    batchSize: config().PSP_SEARCH_BATCH_SIZE,
    hasTimeLeft,
    wallet: walletProvider(),
  });

export const handler = jobHandler('expire-orders', run, jobLeases);

// The stage's PSP client and its reply schemas are created at init, not by the first request.
pspProvider();
