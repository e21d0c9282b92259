import { webhookEndpointEntity } from './webhook-endpoint';

/** One delivery attempt of one event to one endpoint, in the endpoint's partition, newest last. */
export const deliveryAttemptEntity = {
  name: 'webhook-attempt',
  sortPrefix: 'ATTEMPT#',
  key: (endpointId: string, attempt: { at: string; eventId: string; attempt: number }) => ({
    pk: webhookEndpointEntity.partition(endpointId),
    sk: `ATTEMPT#${attempt.at}#${attempt.eventId}#${attempt.attempt}`,
  }),
} as const;
