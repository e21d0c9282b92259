import { describe, expect, it } from 'vitest';
import { repeatsLastStep } from '#platform/lifecycle';

describe('a lifecycle step asked again', () => {
  const paid = {
    status: 'PAID_OUT' as const,
    history: [
      { status: 'REQUESTED' as const, by: { keyId: 'key_a', principal: 'ana' } },
      { status: 'APPROVED' as const, by: { keyId: 'key_b', principal: 'beto' } },
      {
        status: 'PAID_OUT' as const,
        by: { keyId: 'key_c', principal: 'beto' },
        transferReference: 'OP-1',
        paidAt: '2026-12-04T10:00:00-05:00',
      },
    ],
  };

  it('is the last step when the same person asks it with the same details (any of their keys)', () => {
    const details = { transferReference: 'OP-1', paidAt: '2026-12-04T10:00:00-05:00' };
    expect(repeatsLastStep(paid, 'PAID_OUT', { keyId: 'key_b', principal: 'beto' }, details)).toBe(true);
  });

  it('is not when another person asks, the details differ, or the step is not the last', () => {
    const details = { transferReference: 'OP-1', paidAt: '2026-12-04T10:00:00-05:00' };
    expect(repeatsLastStep(paid, 'PAID_OUT', { keyId: 'key_a', principal: 'ana' }, details)).toBe(false);
    expect(
      repeatsLastStep(
        paid,
        'PAID_OUT',
        { keyId: 'key_c', principal: 'beto' },
        { ...details, transferReference: 'OP-2' },
      ),
    ).toBe(false);
    expect(repeatsLastStep(paid, 'APPROVED', { keyId: 'key_b', principal: 'beto' }, {})).toBe(false);
  });
});
