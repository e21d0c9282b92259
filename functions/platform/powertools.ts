import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricResolution, MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { MetricName } from '#contract/metrics';
import { SERVICE } from '#contract/service';
import { stageProvider } from './config';

const ignore = () => {};

/** Created once per container and imported everywhere (Powertools' recommended layout). */
export const logger = new Logger({ serviceName: SERVICE.name });
/**
 * Powertools' Metrics, whose `addMetric` takes only a name from the shared list
 * (functions/contract/metrics.ts): a metric the alarms do not know, or a typo, does not compile.
 * A type only: the object is Powertools' own.
 */
export interface ServiceMetrics extends Metrics {
  addMetric(name: MetricName, unit: MetricUnit, value: number, resolution?: MetricResolution): this;
}

export const metrics: ServiceMetrics = new Metrics({
  namespace: SERVICE.metricsNamespace,
  serviceName: SERVICE.name,
  // Whose payments a metric counts: the stage's voucher provider (the alarms match on it).
  defaultDimensions: { provider: stageProvider() },
  // Handlers that emit no metric would otherwise log "No application metrics to publish" per call:
  // only Metrics' errors reach the log. A forwarding object, not `logger.createChild(...)`: a second
  // Logger cost every cold start 0.007 of the SDK floor's import work (decision 68).
  logger: {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (...content) => logger.error(...(content as [string])),
  },
});
