import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '#platform/powertools';
import { sqsBatchHandler } from '#platform/sqs-handler';

// Building a handler parses the environment, as in Lambda's init; Lambda always sets the region.
process.env.AWS_REGION ??= 'us-east-1';

const record = (messageId: string, body: unknown): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '3' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  }) as unknown as SQSRecord;

const context = { awsRequestId: 'req-1', functionName: 'deliver-webhooks' } as Context;

afterEach(() => vi.restoreAllMocks());

describe('SQS consumers log why a record failed', () => {
  const handler = sqsBatchHandler(
    async (sqsRecord) => {
      const { eventId } = JSON.parse(sqsRecord.body) as { eventId: string };
      if (eventId.startsWith('bad'))
        throw new Error('http://127.0.0.1:9/hook: connect ECONNREFUSED 127.0.0.1:9');
    },
    { describe: (sqsRecord) => JSON.parse(sqsRecord.body) as Record<string, unknown> },
  );

  it('once per failed record, at warn, naming message, event, endpoint and error — no stack', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const event: SQSEvent = {
      Records: [
        record('m1', { eventId: 'ok-1', endpointId: 'we_1' }),
        record('m2', { eventId: 'bad-1', endpointId: 'we_1' }),
      ],
    };
    const result = await handler(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('record failed', {
      messageId: 'm2',
      receiveCount: 3,
      eventId: 'bad-1',
      endpointId: 'we_1',
      error: 'Error: http://127.0.0.1:9/hook: connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('logs each record when the whole batch fails, not only the batch-level error', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const event: SQSEvent = {
      Records: [
        record('m1', { eventId: 'bad-1', endpointId: 'we_1' }),
        record('m2', { eventId: 'bad-2', endpointId: 'we_2' }),
      ],
    };
    await expect(handler(event, context)).rejects.toThrow(/All records failed/);
    expect(warn.mock.calls.map((call) => (call[1] as { messageId: string }).messageId)).toEqual(['m1', 'm2']);
  });

  describe('a consumer whose failures are expected (an endpoint down)', () => {
    class Expected extends Error {}
    const quiet = sqsBatchHandler(
      async (sqsRecord) => {
        const { eventId } = JSON.parse(sqsRecord.body) as { eventId: string };
        if (eventId.startsWith('down')) throw new Expected('endpoint down; retry in 5 s');
        if (eventId.startsWith('bug')) throw new TypeError('cannot read properties of undefined');
      },
      { expectedFailure: (error) => error instanceof Expected, crashMetric: 'WebhookDeliveryCrashed' },
    );

    it('is no Lambda error when every record failed as expected, and counts no crash', async () => {
      const added = vi.spyOn(metrics, 'addMetric');
      const result = await quiet(
        { Records: [record('m1', { eventId: 'down-1' }), record('m2', { eventId: 'down-2' })] },
        context,
      );
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
      expect(added.mock.calls.filter((call) => call[0] === 'WebhookDeliveryCrashed')).toEqual([]);
    });

    it('counts a crash (alarmed) while still returning only the failed records', async () => {
      const added = vi.spyOn(metrics, 'addMetric');
      const result = await quiet(
        { Records: [record('m1', { eventId: 'ok-1' }), record('m2', { eventId: 'bug-1' })] },
        context,
      );
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
      expect(added.mock.calls.filter((call) => call[0] === 'WebhookDeliveryCrashed')).toHaveLength(1);
    });
  });
});
