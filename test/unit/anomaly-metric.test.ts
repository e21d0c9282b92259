import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES } from '#model/anomaly';
import { anomalyMetric } from '#payments/apply-payment';

describe('which anomalies page (outside review 7, decision 130)', () => {
  it('counts every anomaly a person must act on in the paging PaymentAnomaly, the informational one apart', () => {
    const informational = ANOMALY_TYPES.filter((type) => anomalyMetric(type) === 'InformationalAnomaly');
    // A wallet notification its provider disowns moved no money (decision 133): looked at, not paged.
    expect(informational).toEqual(['unknown_wallet_order', 'refunded_before_settlement']);
    for (const type of ANOMALY_TYPES.filter((candidate) => !informational.includes(candidate)))
      expect(anomalyMetric(type), type).toBe('PaymentAnomaly');
  });
});
