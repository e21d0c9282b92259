import { describe, expect, it } from 'vitest';
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
