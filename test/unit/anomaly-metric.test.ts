import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES } from '#model/anomaly';
import { anomalyMetric } from '#payments/apply-payment';

describe('which anomalies page (outside review 7, decision 130)', () => {
  it('counts every anomaly a person must act on in the paging PaymentAnomaly, the informational one apart', () => {
    const informational = ANOMALY_TYPES.filter((type) => anomalyMetric(type) === 'InformationalAnomaly');
    expect(informational).toEqual(['refunded_before_settlement']);
    for (const type of ANOMALY_TYPES.filter((candidate) => candidate !== 'refunded_before_settlement'))
      expect(anomalyMetric(type), type).toBe('PaymentAnomaly');
  });
});
