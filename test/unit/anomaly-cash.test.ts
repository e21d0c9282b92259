import { describe, expect, it } from 'vitest';
import { type Anomaly, holdsSuspenseCash } from '#model/anomaly';

const anomaly = (fields: Partial<Anomaly>): Anomaly => ({
  id: 'amount_mismatch:2500001:1',
  type: 'amount_mismatch',
  detectedAt: '2026-12-04T10:00:00.000Z',
  detail: '…',
  source: 'webhook',
  ...fields,
});

describe('holdsSuspenseCash: what a refund naming an anomaly may draw on (decision 137)', () => {
  it('follows what was recorded with it: cash booked into suspense, or none', () => {
    expect(holdsSuspenseCash(anomaly({ heldInSuspense: true }))).toBe(true);
    // A contested payment's mismatch: the cash is the order's, booked to its sellers.
    expect(holdsSuspenseCash(anomaly({ heldInSuspense: false }))).toBe(false);
  });
  it('reads anomalies recorded before the field by their type', () => {
    expect(holdsSuspenseCash(anomaly({ type: 'duplicate_payment' }))).toBe(true);
    expect(holdsSuspenseCash(anomaly({ type: 'implausible_payment_date' }))).toBe(false);
    expect(holdsSuspenseCash(anomaly({ type: 'settlement_amount_mismatch' }))).toBe(false);
  });
});
