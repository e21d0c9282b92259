import { flagUnsettledPayments } from '#jobs/check-unsettled';
import { settlementConfig } from '#model/settlement-config';
import { config } from '#platform/config';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { jobLeases } from '#store/job-leases';

/** EventBridge Scheduler, daily: payments PagoEfectivo should have settled by now and has not. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = (hasTimeLeft) =>
  flagUnsettledPayments({
    unsettledAfterDays: settlementConfig().unsettledAfterDays,
    maxOrders: config().JOB_MAX_ORDERS,
    hasTimeLeft,
  });

export const handler = jobHandler('check-unsettled', run, jobLeases);
