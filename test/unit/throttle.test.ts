import { describe, expect, it } from 'vitest';
import { ClientThrottle } from '../../local/throttle';

describe('the local per-client throttle (API Gateway token bucket)', () => {
  it('lets a full burst through, then refuses until tokens refill at the steady rate', () => {
    let nowMs = 0;
    const throttle = new ClientThrottle({ rateLimit: 2, burstLimit: 3 }, () => nowMs);
    expect([1, 2, 3, 4].map(() => throttle.tryTake('a'))).toEqual([true, true, true, false]);
    nowMs += 499; // 0.998 tokens: not yet one
    expect(throttle.tryTake('a')).toBe(false);
    nowMs += 2; // a whole token has refilled
    expect(throttle.tryTake('a')).toBe(true);
    expect(throttle.tryTake('a')).toBe(false);
  });

  it('keeps one bucket per client, so a noisy client cannot starve another', () => {
    const throttle = new ClientThrottle({ rateLimit: 1, burstLimit: 1 }, () => 0);
    expect(throttle.tryTake('noisy')).toBe(true);
    expect(throttle.tryTake('noisy')).toBe(false);
    expect(throttle.tryTake('quiet')).toBe(true);
  });

  it('never banks more than the burst, however long a client was idle', () => {
    let nowMs = 0;
    const throttle = new ClientThrottle({ rateLimit: 10, burstLimit: 2 }, () => nowMs);
    throttle.tryTake('a');
    nowMs += 3_600_000;
    expect([1, 2, 3].map(() => throttle.tryTake('a'))).toEqual([true, true, false]);
  });
});
