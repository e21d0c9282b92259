import type { APIGatewayProxyResult } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problem } from '#contract/problem-document';
import { GATEWAY_PROBLEMS } from '#contract/service';

/** API Gateway's throttle: a token bucket per client holding `burstLimit`, refilled at `rateLimit`/s. */
export interface ThrottleLimits {
  rateLimit: number;
  burstLimit: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/**
 * The usage plan's per-client throttle, played locally: each usage identifier key has its own
 * bucket, so one noisy client cannot starve the others. The clock is injectable for tests.
 */
export class ClientThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Takes one request's token; false = answer 429. */
  tryTake(clientKey: string): boolean {
    const now = this.nowMs();
    const bucket = this.buckets.get(clientKey) ?? { tokens: this.limits.burstLimit, updatedAtMs: now };
    const refilled = ((now - bucket.updatedAtMs) / 1000) * this.limits.rateLimit;
    bucket.tokens = Math.min(this.limits.burstLimit, bucket.tokens + refilled);
    bucket.updatedAtMs = now;
    this.buckets.set(clientKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * What AWS answers a client over its limit, played locally: API Gateway's THROTTLED for an API key
 * over its usage plan (`throttled`), or the WAF's per-IP rate rule for an address over the buyer
 * pages' limit (`rate_limited`: the WAF's custom response body, lib/constructs/edge-protection.ts).
 * Both say when to retry — here 1 s, as the local bucket refills every second (the WAF says 60) —
 * and are readable cross-origin, as the widget must read them.
 */
export function tooManyRequests(over: 'apiKey' | 'address'): APIGatewayProxyResult {
  const { status, code, detail } =
    over === 'apiKey' ? GATEWAY_PROBLEMS.throttled : GATEWAY_PROBLEMS.rateLimited;
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'Retry-After': '1', 'Access-Control-Allow-Origin': '*' },
    body: JSON.stringify(problem(status, code, detail)),
  };
}
