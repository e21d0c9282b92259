import { flagUnsettledPayments } from '#jobs/check-unsettled';
import { config } from '#platform/config';
import { jobHandler } from '#platform/job-handler';
import { settlementConfig } from '#settlements/report-config';

/** EventBridge Scheduler, daily: payments PagoEfectivo should have settled by now and has not. */
export const handler = jobHandler('check-unsettled', (hasTimeLeft) =>
  flagUnsettledPayments({
    unsettledAfterDays: settlementConfig().unsettledAfterDays,
    maxOrders: config().JOB_MAX_ORDERS,
    hasTimeLeft,
  }),
);
