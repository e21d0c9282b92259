import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { instrumented } from './instrumented';
import { logger } from './powertools';

/**
 * Every SQS consumer: Powertools batch processing with partial failures (only failed records come
 * back). Each failed record is logged once, at warn, with its message id, what `describe` says of
 * it (e.g. event and endpoint ids) and the error's message — no stack: a failing endpoint retried
 * for days must not flood the logs, and the batch-level error alone says nothing of the cause.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<void>,
  describe: (record: SQSRecord) => Record<string, unknown> = () => ({}),
) {
  const processor = new BatchProcessor(EventType.SQS);
  const loggedHandler = async (record: SQSRecord) => {
    try {
      await recordHandler(record);
    } catch (error) {
      logger.warn('record failed', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        ...safely(() => describe(record)),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw error;
    }
  };
  return instrumented<SQSEvent, SQSBatchResponse>((event, context) =>
    processPartialResponse(event, loggedHandler, processor, { context }),
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
