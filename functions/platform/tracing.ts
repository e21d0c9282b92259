import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE } from '#contract/service';
import { traceAwsSdkCalls } from './config';

/**
 * X-Ray subsegments for each AWS SDK call (DynamoDB, SQS, EventBridge, S3) — only in stages that
 * ask for them (`traceAwsSdkCalls` in lib/stage-config.ts). Lambda's active tracing records
 * every invocation (and its init) in every stage regardless; the Powertools tracer that adds the
 * per-call subsegments loads the whole X-Ray SDK, measured at ~12 ms of every cold start
 * (decision 55), so it is loaded — during init, when the container has its full CPU — only when
 * asked for. The dynamic import is bundled lazily: a stage without it never evaluates the SDK.
 */
const tracer: Tracer | undefined = traceAwsSdkCalls()
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE.name })
  : undefined;

/** The client, its calls traced as subsegments when this stage traces AWS SDK calls. */
export function traced<Client>(client: Client): Client {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
