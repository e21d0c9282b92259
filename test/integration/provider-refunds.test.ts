import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyProviderRefund, UnknownProviderRefundError } from '#refunds/provider-refunds';

/**
 * dLocal can notify a refund's outcome before the approval that asked for it has recorded dLocal's
 * refund id (it answers, then pays a moment later). Such a notification must not be acknowledged
 * and dropped — that left the refund APPROVED for good — but fail, so the queue delivers it again.
 */
describe('a provider refund notification for a refund not recorded (yet)', () => {
  it('fails a final status, so the queue delivers it again once the refund id is recorded', async () => {
    const providerRefundId = `REF-${randomUUID()}`;
    await expect(
      applyProviderRefund(providerRefundId, 'succeeded', `wh-${randomUUID()}`),
    ).rejects.toBeInstanceOf(UnknownProviderRefundError);
    await expect(
      applyProviderRefund(providerRefundId, 'rejected', `wh-${randomUUID()}`),
    ).rejects.toBeInstanceOf(UnknownProviderRefundError);
  });

  it('acknowledges PENDING, which changes nothing either way', async () => {
    await expect(
      applyProviderRefund(`REF-${randomUUID()}`, 'pending', `wh-${randomUUID()}`),
    ).resolves.toEqual({
      result: 'refund',
      refundId: undefined,
      status: 'pending',
    });
  });
});
