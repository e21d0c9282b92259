import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sqs } from '#platform/aws';
import { redriveDeadLetters } from '../../scripts/redrive-dlq';
import { eventually, stack } from '../support/api';

/** Waits for a message carrying `marker` in the DLQ (received with visibility 0: it stays there). */
function dlqMessageWith(dlqUrl: string, marker: string) {
  return eventually(async () => {
    const received = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    return received.Messages?.find((message) => message.Body?.includes(marker));
  }, 30_000);
}

describe('poison messages', () => {
  it('reach the DLQ after maxReceiveCount failed receives, and the redrive command moves them back', async () => {
    const queueUrl = stack().queueUrls['payment-notifications'] ?? '';
    const dlqUrl = stack().dlqUrls['payment-notifications'] ?? '';
    const marker = `poison-${crypto.randomUUID()}`;
    await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ marker }) }));

    // The local poller (visibility 1 s in tests) fails it five times; the redrive policy then moves it.
    const deadLetter = await dlqMessageWith(dlqUrl, marker);
    expect(deadLetter.Body).toContain(marker);

    // Redrive: back to the source queue, where it fails again and returns to the DLQ.
    const result = await redriveDeadLetters(sqs(), { dlqUrl, sourceUrl: queueUrl, max: 10 });
    expect(result.moved).toBeGreaterThanOrEqual(1);
    await dlqMessageWith(dlqUrl, marker);
  });
});
