import { checkLedgerIntegrity } from '#jobs/ledger-integrity';
import { type JobRun, jobHandler } from '#platform/job-handler';
import { jobLeases } from '#store/job-leases';

/**
 * EventBridge Scheduler, hourly: continue today's integrity pass, or start it on the first run of
 * a Lima day. The scheduler's input is fixed (`{job}`); only the local stack's
 * `/_local/jobs/ledger-integrity` can pass `{"newPass": true}` (start a pass now) and
 * `{"budgetMs": N}` (stop after N ms, as if the invocation's time ran out: tests of the resume).
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: JobRun<object> = (hasTimeLeft, event) => {
  const local = event.source === 'local-scheduler';
  const budgetMs = local && typeof event.budgetMs === 'number' ? event.budgetMs : undefined;
  const stopAt = budgetMs === undefined ? undefined : performance.now() + budgetMs;
  return checkLedgerIntegrity({
    hasTimeLeft: () => hasTimeLeft() && (stopAt === undefined || performance.now() < stopAt),
    newPass: local && event.newPass === true,
  });
};

export const handler = jobHandler('ledger-integrity', run, jobLeases);
