import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { instrumented } from './instrumented';

/** Every SQS consumer: Powertools batch processing with partial failures (only failed records come back). */
export function sqsBatchHandler(recordHandler: (record: SQSRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  return instrumented<SQSEvent, SQSBatchResponse>((event, context) =>
    processPartialResponse(event, recordHandler, processor, { context }),
  );
}
