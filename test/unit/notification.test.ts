import { describe, expect, it } from 'vitest';
import { parseNotification } from '#psp/pagoefectivo/notification';

const parse = (body: unknown) =>
  parseNotification(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

describe('payment notification parsing', () => {
  it('normalises numbers-or-strings and amounts', () => {
    const result = parse({
      eventType: 'cip.paid',
      operationNumber: 987654,
      data: {
        cip: '02495383',
        currency: 'pen',
        amount: 150.1,
        paymentDate: '2026-11-26T10:15:00-05:00',
        transactionCode: 77,
      },
    });
    expect(result).toEqual({
      kind: 'paid',
      payment: {
        cip: '2495383',
        operationNumber: '987654',
        amountMinor: 15010,
        currency: 'PEN',
        paidAt: new Date('2026-11-26T15:15:00Z'),
        paidAtSource: 'provider',
        transactionCode: '77',
      },
    });
  });

  it('recognises cip.expired as informational: our own expirer decides, nothing to apply', () => {
    expect(parse({ eventType: 'cip.expired', data: { cip: 123 } })).toEqual({
      kind: 'informational',
      eventType: 'cip.expired',
    });
  });

  it('turns unknown event types and unreadable bodies into anomalies, never exceptions', () => {
    expect(parse({ eventType: 'cip.refunded', data: {} })).toEqual({
      kind: 'unknown_event_type',
      eventType: 'cip.refunded',
    });
    expect(parse('not json').kind).toBe('unparsable');
    expect(parse({ eventType: 'cip.paid', operationNumber: 1, data: { cip: 'abc' } }).kind).toBe(
      'unparsable',
    );
    expect(
      parse({
        eventType: 'cip.paid',
        operationNumber: 1,
        data: { cip: 1, currency: 'PEN', amount: '1.234', paymentDate: '2026-11-26T10:15:00-05:00' },
      }).kind,
    ).toBe('unparsable');
  });
});
