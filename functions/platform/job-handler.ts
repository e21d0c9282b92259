import { instrumented } from './instrumented';
import { logger } from './powertools';

/** Stop starting new PSP batches when less than this is left of the Lambda timeout. */
const SAFETY_MARGIN_MS = 15_000;

/**
 * Wraps a scheduled job: a deadline derived from the remaining time, the summary logged and
 * returned (EventBridge Scheduler ignores it; the local stack shows it). A throw fails the
 * invocation, so the scheduler's retry policy applies.
 */
export function jobHandler<Summary extends object>(
  name: string,
  run: (hasTimeLeft: () => boolean) => Promise<Summary>,
) {
  return instrumented<unknown, Summary>(async (_event, context) => {
    const summary = await run(() => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS);
    logger.info(`${name} finished`, { summary });
    return summary;
  });
}
