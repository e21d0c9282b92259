import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MetricName } from '#contract/metrics';
import { lambdaHandler } from './lambda-handler';
import { logger, metrics } from './powertools';

export interface SqsBatchOptions {
  /** What to say of a record in its failure log line (e.g. event and endpoint ids). */
  describe?: (record: SQSRecord) => Record<string, unknown>;
  /**
   * Failures that are part of the job (a marketplace endpoint being down: retried later by
   * design). When given, a batch whose records all failed this way is NOT a Lambda error —
   * otherwise at low traffic every retry of one merchant's dead endpoint would ring the
   * function's error alarm. Any other failure is a crash: counted in `crashMetric` (alarmed).
   */
  expectedFailure?: (error: unknown) => boolean;
  crashMetric?: MetricName;
}

/**
 * Every SQS consumer: Powertools batch processing with partial failures (only failed records come
 * back). Each failed record is logged once, at warn, with its message id, what `describe` says of
 * it and the error's message — no stack: a failing endpoint retried for days must not flood the
 * logs, and the batch-level error alone says nothing of the cause.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<void>,
  options: SqsBatchOptions = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  const loggedHandler = async (record: SQSRecord) => {
    try {
      await recordHandler(record);
    } catch (error) {
      const crashed = options.expectedFailure !== undefined && !options.expectedFailure(error);
      if (crashed && options.crashMetric) metrics.addMetric(options.crashMetric, MetricUnit.Count, 1);
      logger.warn(crashed ? 'record crashed' : 'record failed', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        ...safely(() => options.describe?.(record) ?? {}),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw error;
    }
  };
  return lambdaHandler<SQSEvent, SQSBatchResponse>((event, context) =>
    processPartialResponse(event, loggedHandler, processor, {
      context,
      throwOnFullBatchFailure: options.expectedFailure === undefined,
    }),
  );
}

/** A record too broken to describe is still logged, just with less. */
function safely(describe: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return describe();
  } catch {
    return {};
  }
}
