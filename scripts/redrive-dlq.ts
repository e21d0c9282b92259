import '../local/quiet';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { physicalName, QUEUES } from '#lib/topology';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';

export interface RedriveResult {
  moved: number;
  /** Message ids seen, for the operator's log. */
  messageIds: string[];
}

/**
 * Moves up to `max` messages from a dead-letter queue back to its source queue, one at a time:
 * send to the source first, then delete from the DLQ, so a crash in between duplicates a message
 * (harmless: applying a payment is idempotent) and never loses one. Works against AWS and fauxqs
 * alike (fauxqs lacks StartMessageMoveTask, which would otherwise do this server-side).
 */
export async function redriveDeadLetters(
  client: SQSClient,
  options: { dlqUrl: string; sourceUrl: string; max: number; dryRun?: boolean },
): Promise<RedriveResult> {
  const result: RedriveResult = { moved: 0, messageIds: [] };
  while (result.moved < options.max) {
    const batch = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.dlqUrl,
        MaxNumberOfMessages: Math.min(10, options.max - result.moved),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 30,
      }),
    );
    const messages = batch.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      result.messageIds.push(message.MessageId ?? '?');
      if (!options.dryRun) {
        await client.send(
          new SendMessageCommand({ QueueUrl: options.sourceUrl, MessageBody: message.Body ?? '' }),
        );
        await client.send(
          new DeleteMessageCommand({ QueueUrl: options.dlqUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
      result.moved++;
    }
    if (options.dryRun) break;
  }
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'local' },
      queue: { type: 'string', default: 'payment-notifications' },
      max: { type: 'string', default: '100' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const spec = QUEUES.find((queue) => queue.name === values.queue);
  if (!spec) throw new Error(`Unknown queue ${values.queue}; known: ${QUEUES.map((q) => q.name).join(', ')}`);
  const client = new SQSClient({
    // The local SQS emulator accepts any credentials, but the SDK still signs: give it the local stack's.
    ...(values.stage === 'local' ? { region: 'us-east-1', credentials: LOCAL_CREDENTIALS } : {}),
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  });
  const urlOf = async (base: string) =>
    (await client.send(new GetQueueUrlCommand({ QueueName: physicalName(base, values.stage ?? 'local') })))
      .QueueUrl ?? '';
  const result = await redriveDeadLetters(client, {
    dlqUrl: await urlOf(`${spec.name}-dlq`),
    sourceUrl: await urlOf(spec.name),
    max: Number(values.max),
    dryRun: values['dry-run'],
  });
  const verb = values['dry-run'] ? 'Would move' : 'Moved';
  const ids =
    result.messageIds.length > 0 ? `: ${result.messageIds.join(', ')}` : ' (the dead-letter queue is empty)';
  console.log(`${verb} ${result.moved} message(s)${ids}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
