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
