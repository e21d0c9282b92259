import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from './config';
import { logger, metrics } from './powertools';

/**
 * The one handler family: every Lambda — HTTP (platform/http.ts adds its own steps on top), SQS,
 * stream, schedule, S3, authorizer — is a middy handler with Powertools' Lambda context in every
 * log line and its metrics (cold start included) flushed after each invocation, even one that
 * throws. (Tracing is Lambda's active tracing; Powertools' tracer middleware would load the X-Ray
 * SDK into every cold start.) Building one parses the environment (platform/config.ts).
 */
export function powertoolsMiddy<Event, Result>() {
  // Every handler module builds its handler at import, i.e. during Lambda's init: a deployment
  // with a missing or malformed variable fails there, before it takes any traffic.
  config();
  return middy<Event, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** A non-HTTP handler: `run` is the plain function (tests may call it directly). */
export function lambdaHandler<Event, Result>(run: (event: Event, context: Context) => Promise<Result>) {
  return powertoolsMiddy<Event, Result>().handler(run);
}
