import { config } from './config';
import { MIN_CALL_MS, RESERVE_MS, timeLeftMs, withDeadline } from './deadline';
import { lambdaHandler } from './lambda-handler';
import { logger } from './powertools';

/**
 * Time one order may need at worst once started: a PSP search answer is already in hand, then a
 * conditional write and one bounded CIP delete (its retry is skipped when time is short).
 */
const PER_ORDER_MS = 3 * MIN_CALL_MS;

/**
 * Wraps a scheduled job: every PSP call inside is bounded by what the invocation has left
 * (deadline.ts), `hasTimeLeft` says whether one more order can be started (checked per order,
 * not per batch), and the summary is logged and returned (EventBridge Scheduler ignores it; the
 * local stack shows it). Metrics are flushed on every path (lambdaHandler), which the reserve
 * leaves time for. A throw fails the invocation: Lambda does not retry it (the async invoke
 * config has no retries) and sends the event to the jobs DLQ, which is alarmed.
 */
/** A job's plain function: one bounded pass, told when to stop; returns what it did. */
export type JobRun<Summary extends object> = (
  hasTimeLeft: () => boolean,
  event: Record<string, unknown>,
) => Promise<Summary>;

/** A job's lease while a run holds it (store/job-leases.ts). */
export interface JobLease {
  holder: string;
  expiresAtMs: number;
}
/** Takes and gives back a job's lease: the store's, passed in by each job's handler. */
export interface JobLeases {
  acquire(job: string, durationMs: number): Promise<JobLease | undefined>;
  release(job: string, lease: JobLease): Promise<void>;
}

/** What a run answers when another run of the same job holds its lease (JOB_LEASE). */
export interface JobSkipped {
  skipped: 'another_run_holds_the_lease';
}

/**
 * With JOB_LEASE (stages without reserved concurrency, decision 88) a run first takes the job's
 * lease item (`leases`: store/job-leases.ts) for as long as its invocation may last, and gives it back
 * at the end; a run that finds it held does nothing. With reserved concurrency 1, Lambda itself
 * never runs two at once and no lease is taken.
 */
export function jobHandler<Summary extends object>(name: string, run: JobRun<Summary>, leases: JobLeases) {
  return lambdaHandler<unknown, Summary | JobSkipped>(async (event, context) => {
    const lease = config().JOB_LEASE
      ? await leases.acquire(name, context.getRemainingTimeInMillis())
      : undefined;
    if (config().JOB_LEASE && !lease) {
      logger.info(`${name} skipped: another run holds the lease`);
      return { skipped: 'another_run_holds_the_lease' };
    }
    try {
      return await withDeadline(context.getRemainingTimeInMillis(), RESERVE_MS.job, async () => {
        const summary = await run(
          () => timeLeftMs() > PER_ORDER_MS,
          typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {},
        );
        logger.info(`${name} finished`, { summary });
        return summary;
      });
    } finally {
      if (lease) await leases.release(name, lease);
    }
  });
}
