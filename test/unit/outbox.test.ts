import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '#model/event-types';
import { isOutboxItem, outboxItem } from '#store/outbox';

describe('what the dispatcher agrees to publish', () => {
  const real = outboxItem('ORDER#ord_01ABC', 3, 'order.paid', '2026-11-27T10:00:00.000Z', {
    id: 'ord_01ABC',
  });

  it('publishes items our transitions write', () => {
    expect(isOutboxItem(real)).toBe(true);
    expect(
      isOutboxItem(outboxItem('ANOMALY#an_1', 1, 'payment.anomaly', '2026-11-27T10:00:00.000Z', {})),
    ).toBe(true);
    expect(
      isOutboxItem(
        outboxItem('ENDPOINT#we_1', 2, 'webhook_endpoint.disabled', '2026-11-27T10:00:00.000Z', {}),
      ),
    ).toBe(true);
    // Expiry reminders: one subject per order and lead time.
    expect(
      isOutboxItem(
        outboxItem('REMINDER#ord_01ABC#360', 1, 'order.expiring_soon', '2026-11-27T10:00:00.000Z', {}),
      ),
    ).toBe(true);
  });

  it.each([
    ['a raw-notification key with entity "event"', { ...real, pk: 'WEBHOOK#abc', sk: 'RAW' }],
    ['an unknown subject', { ...real, pk: 'APIKEY#abc' }],
    ['a reminder subject without its lead time', { ...real, pk: 'REMINDER#ord_01ABC' }],
    ['a sort key that is not an event sequence', { ...real, sk: 'ORDER' }],
    ['an event id that does not match its keys', { ...real, eventId: 'evt_forged' }],
    ['another entity', { ...real, entity: 'order' }],
  ])('refuses %s', (_what, item) => {
    expect(isOutboxItem(item)).toBe(false);
  });
});

describe("README's list of event types", () => {
  // The detail-types of the "Events." paragraph: what the bus carries, and webhooks deliver.
  const readme = readFileSync('README.md', 'utf8');
  const paragraph = readme.slice(
    readme.indexOf('detail-types:', readme.indexOf('**Events.**')),
    readme.indexOf('**The buyer'),
  );
  const listed = new Set([...paragraph.matchAll(/`([a-z_]+\.(?:[a-z_]+|\*))`/g)].map((match) => match[1]));

  it('names every event type (a family by `prefix.*`) and no other', () => {
    expect(paragraph).toContain('functions/model/event-types.ts');
    const named = (type: string) => listed.has(type) || listed.has(`${type.split('.')[0]}.*`);
    expect(EVENT_TYPES.filter((type) => !named(type))).toEqual([]);
    expect(
      [...listed].filter((type) =>
        type?.endsWith('.*')
          ? !EVENT_TYPES.some((known) => known.startsWith(type.slice(0, -1)))
          : !(EVENT_TYPES as readonly string[]).includes(type ?? ''),
      ),
    ).toEqual([]);
  });
});
