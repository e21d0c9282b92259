import { remindExpiring } from '#jobs/remind-expiring';
import { config } from '#platform/config';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { jobLeases } from '#store/job-leases';

/** EventBridge Scheduler: `order.expiring_soon` for vouchers whose deadline comes within the lead time. */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = (hasTimeLeft) =>
  remindExpiring({
    leadMinutes: config().REMINDER_LEAD_MINUTES,
    maxOrders: config().JOB_MAX_ORDERS,
    hasTimeLeft,
  });

export const handler = jobHandler('remind-expiring', run, jobLeases);
