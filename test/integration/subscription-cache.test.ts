import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '#outbound-webhooks/endpoints';
import {
  deleteEndpoint,
  endpointsSubscribedTo,
  forgetSubscriptionCache,
} from '#store/webhook-endpoints-repository';

// The dispatcher caches the subscribed endpoints per container; a container that creates an
// endpoint forgets its copy. A load already reading when that happens must not store the list
// from before it (the new endpoint would miss its events for 30 s: a CI run saw it in e2e).
describe('the subscription cache', () => {
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await deleteEndpoint(id);
  });

  it('never keeps a list loaded before an endpoint was created', async () => {
    forgetSubscriptionCache();
    const now = Date.now();
    // Bounded: a few rounds make the load-finishes-after-create interleaving near certain.
    for (let round = 0; round < 8; round++) {
      forgetSubscriptionCache();
      const loading = endpointsSubscribedTo('order.expiring_soon', now);
      const { endpoint } = await createEndpoint(
        { url: 'https://receiver.example.pe/hooks', events: ['order.expiring_soon'] },
        new Date(now + round),
      );
      created.push(endpoint.id);
      await loading;
      const subscribed = await endpointsSubscribedTo('order.expiring_soon', now);
      expect(subscribed.map(({ id }) => id)).toContain(endpoint.id);
    }
  });
});
