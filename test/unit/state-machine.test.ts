import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from '#model/order';
import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  statusAfterPayment,
} from '#model/state-machine';

const ALLOWED: [OrderStatus, OrderStatus][] = [
  ['PENDING_PAYMENT', 'PAID'],
  ['PENDING_PAYMENT', 'EXPIRED'],
  ['PENDING_PAYMENT', 'CANCELLED'],
  ['PAID', 'FULFILLED'],
  // Refunds that reach the whole payment (functions/refunds).
  ['PAID', 'REFUNDED'],
  ['FULFILLED', 'REFUNDED'],
  ['EXPIRED', 'PAID_LATE'],
  ['CANCELLED', 'PAID_LATE'],
  ['PAID_LATE', 'PAID'],
  ['PAID_LATE', 'REFUNDED'],
];

describe('order state machine', () => {
  it('allows exactly the transitions of the design, nothing else', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const expected = ALLOWED.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('lets every allowed transition through, and names a refused one', () => {
    for (const [from, to] of ALLOWED) expect(() => assertTransition(from, to)).not.toThrow();
    const refused = (() => {
      try {
        assertTransition('PAID', 'EXPIRED');
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(IllegalTransitionError);
    expect(refused).toMatchObject({
      name: 'IllegalTransitionError',
      message: 'An order in status PAID cannot become EXPIRED.',
      from: 'PAID',
      to: 'EXPIRED',
    });
  });

  it('never lets a refunded order move again, and a fulfilled one only to REFUNDED', () => {
    for (const to of ORDER_STATUSES) {
      expect(() => assertTransition('REFUNDED', to)).toThrow(/cannot become/);
      if (to !== 'REFUNDED') expect(() => assertTransition('FULFILLED', to)).toThrow(/cannot become/);
    }
  });

  it('sends a payment to PAID, or PAID_LATE once the order was given up', () => {
    expect(statusAfterPayment('PENDING_PAYMENT')).toBe('PAID');
    expect(statusAfterPayment('EXPIRED')).toBe('PAID_LATE');
    expect(statusAfterPayment('CANCELLED')).toBe('PAID_LATE');
    expect(statusAfterPayment('PAID')).toBeUndefined();
    expect(statusAfterPayment('FULFILLED')).toBeUndefined();
    expect(statusAfterPayment('PAID_LATE')).toBeUndefined();
    expect(statusAfterPayment('REFUNDED')).toBeUndefined();
  });
});
