import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumerSpec } from '#lib/topology';
import { invoke } from './lambda-context';

export interface StreamPoller {
  /** Batches that exhausted their retries: where AWS would send them to the failure destination. */
  failed: DynamoDBRecord[][];
  stop(): Promise<void>;
}

/**
 * Plays Lambda's DynamoDB stream event source mapping over DynamoDB Local's stream: the same
 * filter as the CDK event source (INSERTs of one entity), batches in shard order, a reported
 * batch item failure retried from that record (bounded), then the failure destination. Where it
 * stopped is kept in `checkpointFile`, so a restart neither replays nor skips events.
 */
export function startStreamPoller(
  client: DynamoDBStreamsClient,
  streamArn: string,
  spec: StreamConsumerSpec,
  options: { checkpointFile?: string; log: (line: string) => void },
): StreamPoller {
  let running = true;
  const failed: DynamoDBRecord[][] = [];
  const checkpoints: Record<string, string> =
    options.checkpointFile && existsSync(options.checkpointFile)
      ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Record<string, string>)
      : {};
  const iterators = new Map<string, string | null>();

  const saveCheckpoints = () => {
    if (!options.checkpointFile) return;
    writeFileSync(`${options.checkpointFile}.tmp`, JSON.stringify(checkpoints));
    renameSync(`${options.checkpointFile}.tmp`, options.checkpointFile);
  };

  async function iteratorFor(shardId: string): Promise<string | null> {
    if (iterators.has(shardId)) return iterators.get(shardId) ?? null;
    const after = checkpoints[shardId];
    const result = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    const iterator = result.ShardIterator ?? null;
    iterators.set(shardId, iterator);
    return iterator;
  }

  async function deliver(records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const event: DynamoDBStreamEvent = { Records: pending };
      let failedAt: string | undefined;
      try {
        const result = await invoke<DynamoDBBatchResponse | undefined>(spec.consumer, event);
        failedAt = result?.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        options.log(`[stream] ${spec.consumer} threw: ${String(error)}`);
        failedAt = pending[0]?.dynamodb?.SequenceNumber;
      }
      if (failedAt === undefined) return;
      const index = pending.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt);
      pending = index >= 0 ? pending.slice(index) : pending;
      if (attempt >= spec.retryAttempts) {
        options.log(
          `[stream] ${pending.length} record(s) sent to the failure destination after ${attempt + 1} tries`,
        );
        failed.push(pending);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function pollOnce(): Promise<boolean> {
    const description = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let sawRecords = false;
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId) continue;
      const iterator = await iteratorFor(shardId);
      if (!iterator) continue;
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: spec.batchSize }),
      );
      iterators.set(shardId, page.NextShardIterator ?? null);
      const records = page.Records ?? [];
      if (records.length === 0) continue;
      sawRecords = true;
      const wanted = records.filter(
        (record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === spec.entity,
      );
      if (wanted.length > 0) await deliver(wanted.map((record) => toLambdaRecord(record, streamArn)));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        checkpoints[shardId] = last;
        saveCheckpoints();
      }
    }
    return sawRecords;
  }

  const loop = (async () => {
    while (running) {
      try {
        if (!(await pollOnce())) await new Promise((resolve) => setTimeout(resolve, 100));
      } catch (error) {
        if (running) {
          options.log(`[stream] poll error: ${String(error)}`);
          iterators.clear();
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  })();

  return {
    failed,
    async stop() {
      running = false;
      await loop;
    },
  };
}

function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: data?.ApproximateCreationDateTime
        ? Math.floor(data.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: restoreEmptyMaps(data?.Keys) as never,
      NewImage: restoreEmptyMaps(data?.NewImage) as never,
      OldImage: restoreEmptyMaps(data?.OldImage) as never,
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    },
  };
}

/**
 * The DynamoDB Streams SDK client deserialises an empty map attribute (`{"M":{}}`) as `{}`, which
 * Lambda never sends and `unmarshall` rejects. Put the `M` back, at any depth.
 */
function restoreEmptyMaps(image: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!image) return image;
  const fix = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const attribute = value as Record<string, unknown>;
    const keys = Object.keys(attribute).filter((key) => attribute[key] !== undefined);
    if (keys.length === 0) return { M: {} };
    if (attribute.M && typeof attribute.M === 'object') {
      return { M: Object.fromEntries(Object.entries(attribute.M).map(([k, v]) => [k, fix(v)])) };
    }
    if (Array.isArray(attribute.L)) return { L: attribute.L.map(fix) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([key, value]) => [key, fix(value)]));
}
