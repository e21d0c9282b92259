import type { Context } from 'aws-lambda';
import { logger, metrics } from './powertools';

/** Stop starting new PSP batches when less than this is left of the Lambda timeout. */
const SAFETY_MARGIN_MS = 15_000;

/**
 * Wraps a scheduled job: Lambda context in the logs, a deadline derived from the remaining time,
 * the summary logged and returned (EventBridge Scheduler ignores it; the local stack shows it),
 * metrics flushed. A throw fails the invocation, so the scheduler's retry policy applies.
 */
export function jobHandler<Summary extends object>(
  name: string,
  run: (hasTimeLeft: () => boolean) => Promise<Summary>,
) {
  return async (_event: unknown, context: Context): Promise<Summary> => {
    logger.addContext(context);
    try {
      const summary = await run(() => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS);
      logger.info(`${name} finished`, { summary });
      return summary;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
