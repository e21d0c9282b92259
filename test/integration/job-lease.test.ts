import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '#platform/clock';
import { resetConfigForTests } from '#platform/config';
import { jobHandler } from '#platform/job-handler';
import { acquireJobLease, jobLeases, LEASE_CLOCK_MARGIN_MS, releaseJobLease } from '#store/job-leases';

/**
 * Without reserved concurrency (dev, or an account whose quota is still low: decision 88) two
 * runs of one scheduled job must still never overlap: each run takes the job's lease item in
 * DynamoDB Local by a conditional put, and a holder that crashed holds it only until its
 * invocation would have ended.
 */
describe('job lease (stages without reserved concurrency)', () => {
  const original = process.env.JOB_LEASE;
  beforeAll(() => {
    process.env.JOB_LEASE = 'true';
    resetConfigForTests();
  });
  afterAll(() => {
    if (original === undefined) delete process.env.JOB_LEASE;
    else process.env.JOB_LEASE = original;
    resetConfigForTests();
  });

  const context = (remainingMs: number) =>
    ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: 'lease-test' }) as unknown as Context;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A job whose runs record when they start and end, each lasting `ms`. */
  function recordingJob(name: string, ms: number) {
    const runs: { start: number; end: number }[] = [];
    const handler = jobHandler(
      name,
      async () => {
        const start = performance.now();
        await sleep(ms);
        runs.push({ start, end: performance.now() });
        return { ran: true };
      },
      jobLeases,
    );
    return { runs, invoke: () => handler({}, context(60_000)) };
  }
  const overlapping = (runs: { start: number; end: number }[]) =>
    runs.some((a, i) => runs.some((b, j) => i !== j && a.start < b.end && b.start < a.end));

  it('lets one of several concurrent runs work; the others do nothing; the next run works again', async () => {
    const job = recordingJob(`lease-concurrent-${Date.now()}`, 400);
    const answers = await Promise.all(Array.from({ length: 5 }, () => job.invoke()));
    expect(answers.filter((answer) => 'ran' in answer)).toHaveLength(1);
    expect(answers.filter((answer) => 'skipped' in answer)).toHaveLength(4);
    expect(job.runs).toHaveLength(1);
    // Released at the end: the next scheduled run is not locked out.
    expect(await job.invoke()).toEqual({ ran: true });
    expect(job.runs).toHaveLength(2);
    expect(overlapping(job.runs)).toBe(false);
  });

  it('is what keeps them apart: without JOB_LEASE the same runs overlap', async () => {
    process.env.JOB_LEASE = 'false';
    resetConfigForTests();
    try {
      const job = recordingJob(`lease-off-${Date.now()}`, 300);
      await Promise.all([job.invoke(), job.invoke()]);
      expect(job.runs).toHaveLength(2);
      expect(overlapping(job.runs)).toBe(true);
    } finally {
      process.env.JOB_LEASE = 'true';
      resetConfigForTests();
    }
  });

  it("gives a crashed holder's lease to the next run once its invocation must have ended, and the late holder cannot release it", async () => {
    const name = `lease-crash-${Date.now()}`;
    const job = recordingJob(name, 10);
    // A run that took the lease with 2 s left and then died (never released it).
    const crashed = await acquireJobLease(name, 2_000);
    expect(crashed).toBeDefined();
    expect(await job.invoke()).toEqual({ skipped: 'another_run_holds_the_lease' });
    advanceClock((2_000 + LEASE_CLOCK_MARGIN_MS + 1_000) / 1000);
    try {
      // A long run holds it now; the crashed holder coming back to release must not free it.
      const taken = await acquireJobLease(name, 60_000);
      expect(taken).toBeDefined();
      await releaseJobLease(name, crashed as NonNullable<typeof crashed>);
      expect(await job.invoke()).toEqual({ skipped: 'another_run_holds_the_lease' });
      await releaseJobLease(name, taken as NonNullable<typeof taken>);
      expect(await job.invoke()).toEqual({ ran: true });
    } finally {
      advanceClock(-(2_000 + LEASE_CLOCK_MARGIN_MS + 1_000) / 1000);
    }
  });
});
