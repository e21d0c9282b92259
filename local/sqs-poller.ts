import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { invoke } from './lambda-context';
import type { LocalQueue } from './sqs';

export interface PollerStats {
  batches: number;
  delivered: number;
  failed: number;
}

export interface SqsPoller {
  stats: PollerStats;
  stop(): Promise<void>;
}

/**
 * Plays Lambda's SQS event source mapping: receives up to `batchSize` messages, invokes the
 * consumer with Lambda's SQSEvent shape, deletes what succeeded and leaves `batchItemFailures`
 * (or the whole batch, if the handler throws) to reappear after the visibility timeout. The
 * queue's redrive policy then moves a message that keeps failing to the DLQ.
 */
export function startSqsPoller(
  client: SQSClient,
  queue: LocalQueue,
  options: { visibilityTimeoutSeconds: number; log?: (line: string) => void },
): SqsPoller {
  let running = true;
  const stats: PollerStats = { batches: 0, delivered: 0, failed: 0 };
  const log = options.log ?? (() => undefined);

  async function pollOnce(): Promise<void> {
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: queue.spec.batchSize,
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0 || !running) return;
    stats.batches++;
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, queue)) };
    let failedIds: Set<string>;
    try {
      const result = await invoke<SQSBatchResponse | undefined>(queue.spec.consumer, event);
      failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // Each record's own error is logged by the handler (warn); this line only says none succeeded.
      const detail =
        error instanceof Error && error.name === 'FullBatchFailureError'
          ? `all ${messages.length} record(s) failed (each one logged above)`
          : String(error);
      log(`[sqs] ${queue.spec.consumer}: ${detail}`);
      failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    stats.delivered += succeeded.length;
    stats.failed += messages.length - succeeded.length;
    if (succeeded.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: succeeded.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
  }

  const loop = (async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (running) {
          log(`[sqs] poll error on ${queue.spec.name}: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  })();

  return {
    stats,
    async stop() {
      running = false;
      await loop;
    },
  };
}

function toRecord(message: Message, queue: LocalQueue): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: 'us-east-1',
  };
}
