import { proposePayouts } from '#jobs/create-payouts';
import { payoutSchedule } from '#model/payout-schedule';
import { config } from '#platform/config';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { jobLeases } from '#store/job-leases';

/**
 * EventBridge Scheduler, daily: on the stage's payout day, propose the sellers' payouts. The
 * scheduler's input is fixed (`{job}`); only the local stack's `/_local/jobs/create-payouts`
 * can pass `{"anyDay": true}` to run it on another day (tests, demos).
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = (hasTimeLeft, event) =>
  proposePayouts(payoutSchedule(), {
    maxSellers: config().JOB_MAX_ORDERS,
    hasTimeLeft,
    force: event.source === 'local-scheduler' && event.anyDay === true,
  });

export const handler = jobHandler('create-payouts', run, jobLeases);
