import { syncPendingOrders } from '../jobs/sync-pending';
import { config } from '../platform/config';
import { jobHandler } from '../platform/job-handler';
import { pagoEfectivo } from '../psp/pagoefectivo';

/** EventBridge Scheduler, every few minutes per stage: recover payments whose notification was lost. */
export const handler = jobHandler('sync-pending', (hasTimeLeft) =>
  syncPendingOrders(pagoEfectivo(), {
    maxOrders: config().JOB_MAX_ORDERS,
    batchSize: config().PSP_SEARCH_BATCH_SIZE,
    hasTimeLeft,
  }),
);
