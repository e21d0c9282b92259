import { remindExpiring } from '#jobs/remind-expiring';
import { config } from '#platform/config';
import { jobHandler } from '#platform/job-handler';

/** EventBridge Scheduler: `order.expiring_soon` for vouchers whose deadline comes within the lead time. */
export const handler = jobHandler('remind-expiring', (hasTimeLeft) =>
  remindExpiring({
    leadMinutes: config().REMINDER_LEAD_MINUTES,
    maxOrders: config().JOB_MAX_ORDERS,
    hasTimeLeft,
  }),
);
