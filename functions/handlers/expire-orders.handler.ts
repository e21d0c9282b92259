import { expireDueOrders } from '#jobs/expire-orders';
import { config } from '#platform/config';
import { jobHandler } from '#platform/job-handler';
import { pspProvider } from '#psp/index';

/** EventBridge Scheduler, every minute: expire unpaid orders before anyone can ship them. */
export const handler = jobHandler('expire-orders', (hasTimeLeft) =>
  expireDueOrders(pspProvider(), {
    graceSeconds: config().EXPIRY_GRACE_SECONDS,
    forceAfterSeconds: config().EXPIRY_FORCE_AFTER_SECONDS,
    maxOrders: config().JOB_MAX_ORDERS,
    batchSize: config().PSP_SEARCH_BATCH_SIZE,
    hasTimeLeft,
  }),
);
