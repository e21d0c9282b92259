import { describe, expect, it } from 'vitest';
import { problem } from '#contract/problem-document';
import { GATEWAY_PROBLEMS } from '#contract/service';
import { ClientThrottle, tooManyRequests } from '../../local/throttle';

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

describe('what the local stack answers a client over its limit', () => {
  it("answers an address over the buyer pages' limit as the WAF's rate rule does: rate_limited, about the address", () => {
    const answer = tooManyRequests('address');
    expect(answer.statusCode).toBe(429);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'Retry-After': '1',
      'Access-Control-Allow-Origin': '*',
    });
    const body = JSON.parse(answer.body) as { type: string; title: string; detail: string };
    // The very document the WAF's custom response holds (test/infra/day-one.test.ts checks that one).
    expect(body).toEqual(problem(429, 'rate_limited', GATEWAY_PROBLEMS.rateLimited.detail));
    expect(body.type).toMatch(/\/problems\/rate_limited$/);
    expect(body.title).toBe('Too Many Requests');
    expect(body.detail).toMatch(/address/);
    expect(body.detail).not.toMatch(/API key/);
  });

  it("answers an API key over its usage plan as API Gateway's THROTTLED does: throttled", () => {
    const answer = tooManyRequests('apiKey');
    expect(answer.statusCode).toBe(429);
    expect(JSON.parse(answer.body)).toEqual(problem(429, 'throttled', GATEWAY_PROBLEMS.throttled.detail));
  });
});
