import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { stageProvider } from './config';

/** Created once per container and imported everywhere (Powertools' recommended layout). */
export const logger = new Logger({ serviceName: 'pagoefectivo-marketplace' });
export const metrics = new Metrics({
  namespace: 'PagoEfectivoMarketplace',
  serviceName: 'pagoefectivo-marketplace',
  // Whose payments a metric counts: the stage's voucher provider (the alarms match on it).
  defaultDimensions: { provider: stageProvider() },
  // Handlers that emit no metric would otherwise log "No application metrics to publish" per call.
  logger: logger.createChild({ logLevel: 'ERROR' }),
});
export const tracer = new Tracer({ serviceName: 'pagoefectivo-marketplace' });
