import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { OutboxEvent } from '#model/event-types';
import type { DeliveryMessage } from '#outbound-webhooks/deliver';
import { eventBridge, sqs } from '#platform/aws';
import { nowMs } from '#platform/clock';
import { config } from '#platform/config';
import { logger, metrics } from '#platform/powertools';
import { eventFromItem, isOutboxItem } from '#store/outbox';
import { endpointsSubscribedTo } from '#store/webhook-endpoints-repository';

export const BUS_SOURCE = 'pagoefectivo.marketplace';

/**
 * Carries new outbox items from the table's stream to the stage's EventBridge bus and to the
 * delivery queue of every subscribed webhook endpoint. Records are handled in stream order; the
 * first one that fails is reported (with its sequence number) so Lambda retries from there:
 * nothing after it is lost, nothing before it is sent again.
 */
export async function dispatchRecords(records: readonly DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    try {
      const item = unmarshall(image as Record<string, AttributeValue>);
      if (item.entity !== 'event') continue;
      if (!isOutboxItem(item)) {
        logger.error('not dispatched: an "event" item whose keys are not an outbox event', {
          pk: item.pk,
          sk: item.sk,
        });
        continue;
      }
      const event = eventFromItem(item);
      await publish(event);
      await enqueueDeliveries(event);
    } catch (error) {
      logger.error('dispatch failed; Lambda retries from this record', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}

async function publish(event: OutboxEvent): Promise<void> {
  const result = await eventBridge().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config().EVENT_BUS_NAME,
          Source: BUS_SOURCE,
          DetailType: event.type,
          Time: new Date(event.timestamp),
          Detail: JSON.stringify(event),
        },
      ],
    }),
  );
  if ((result.FailedEntryCount ?? 0) > 0) {
    throw new Error(`EventBridge refused ${event.id}: ${result.Entries?.[0]?.ErrorMessage ?? 'unknown'}`);
  }
  metrics.addMetric('EventPublished', MetricUnit.Count, 1);
}

export async function enqueueDeliveries(event: OutboxEvent, only?: string): Promise<number> {
  const queueUrl = config().WEBHOOK_DELIVERY_QUEUE_URL;
  const endpoints = (await endpointsSubscribedTo(event.type, nowMs())).filter((e) => !only || e.id === only);
  if (!queueUrl || endpoints.length === 0) return 0;
  for (let start = 0; start < endpoints.length; start += 10) {
    const chunk = endpoints.slice(start, start + 10);
    const result = await sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((endpoint, index) => {
          const message: DeliveryMessage = { eventId: event.id, endpointId: endpoint.id };
          return { Id: String(index), MessageBody: JSON.stringify(message) };
        }),
      }),
    );
    if ((result.Failed ?? []).length > 0) throw new Error(`could not queue deliveries for ${event.id}`);
  }
  return endpoints.length;
}
