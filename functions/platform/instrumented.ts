import type { Context } from 'aws-lambda';
import { logger, metrics } from './powertools';

/**
 * For the non-HTTP handlers (HTTP ones get the same from middy in http.ts): the Lambda context in
 * every log line, and the metrics of the invocation flushed even when it throws.
 */
export function instrumented<Event, Result>(run: (event: Event, context: Context) => Promise<Result>) {
  let coldStart = true;
  return async (event: Event, context: Context): Promise<Result> => {
    logger.addContext(context);
    if (coldStart) {
      coldStart = false;
      metrics.captureColdStartMetric();
    }
    try {
      return await run(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
