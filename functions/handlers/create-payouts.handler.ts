import { proposePayouts } from '#jobs/create-payouts';
import { payoutSchedule } from '#payouts/schedule';
import { config } from '#platform/config';
import { jobHandler } from '#platform/job-handler';

/**
 * EventBridge Scheduler, daily: on the stage's payout day, propose the sellers' payouts. The
 * scheduler's input is fixed (`{job}`); only the local stack's `/_local/jobs/create-payouts`
 * can pass `{"anyDay": true}` to run it on another day (tests, demos).
 */
export const handler = jobHandler('create-payouts', (hasTimeLeft, event) =>
  proposePayouts(payoutSchedule(), {
    maxSellers: config().JOB_MAX_ORDERS,
    hasTimeLeft,
    force: event.source === 'local-scheduler' && event.anyDay === true,
  }),
);
