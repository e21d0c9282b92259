import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { QUEUES, type QueueName, type QueueSpec } from '#lib/topology';
import { LOCAL_CREDENTIALS } from './dynamodb';

export interface LocalQueue {
  spec: QueueSpec;
  url: string;
  arn: string;
  dlqUrl: string;
}

export interface LocalSqs {
  endpoint: string;
  client: SQSClient;
  queues: Map<QueueName, LocalQueue>;
  stop(): Promise<void>;
}

/**
 * fauxqs in-process. We build its Fastify app ourselves instead of `startFauxqs`, which listens on
 * 0.0.0.0: the local stack only ever listens on 127.0.0.1. Queue contents live in memory.
 */
export async function startLocalSqs(physicalName: (base: string) => string): Promise<LocalSqs> {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = address.replace('localhost', '127.0.0.1');
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const queues = new Map<QueueName, LocalQueue>();
  for (const spec of QUEUES) {
    const dlq = await client.send(new CreateQueueCommand({ QueueName: physicalName(`${spec.name}-dlq`) }));
    const dlqUrl = dlq.QueueUrl ?? '';
    const dlqArn = await queueArn(client, dlqUrl);
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: physicalName(spec.name),
        Attributes: {
          VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: spec.maxReceiveCount,
          }),
        },
      }),
    );
    const url = queue.QueueUrl ?? '';
    queues.set(spec.name, { spec, url, arn: await queueArn(client, url), dlqUrl });
  }
  return {
    endpoint,
    client,
    queues,
    async stop() {
      client.destroy();
      await app.close();
    },
  };
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const attributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return attributes.Attributes?.QueueArn ?? '';
}
