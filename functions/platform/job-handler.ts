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

export function jobHandler<Summary extends object>(name: string, run: JobRun<Summary>) {
  return lambdaHandler<unknown, Summary>((event, context) =>
    withDeadline(context.getRemainingTimeInMillis(), RESERVE_MS.job, async () => {
      const summary = await run(
        () => timeLeftMs() > PER_ORDER_MS,
        typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {},
      );
      logger.info(`${name} finished`, { summary });
      return summary;
    }),
  );
}
