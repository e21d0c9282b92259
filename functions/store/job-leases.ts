import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { jobLeaseEntity } from '#contract/entities/job-lease';
import { dynamo } from '#platform/aws';
import { nowMs } from '#platform/clock';
import { tableName } from '#platform/config';
import type { JobLease, JobLeases } from '#platform/job-handler';
import { logger } from '#platform/powertools';

/**
 * One run of a scheduled job at a time without reserved concurrency (decision 88): a lease item
 * `JOB#<job>` / `LEASE` taken by a conditional put at the start of a run and given back at its
 * end. It expires when the holder's invocation must have ended (its remaining time plus a
 * margin for clock skew between Lambda hosts), so a run that crashed, timed out or lost its
 * release holds nothing past that: the next scheduled run takes over. Only PutItem, which every
 * job already has (the release is a put too, conditional on still being the holder).
 */
export const LEASE_CLOCK_MARGIN_MS = 5_000;

const conditionFailed = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Writes the lease item when `condition` holds; it leaves the table a day after `endsAtMs`. */
async function putLease(
  job: string,
  fields: Record<string, unknown>,
  endsAtMs: number,
  condition: string,
  values: Record<string, unknown>,
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...jobLeaseEntity.key(job),
        entity: jobLeaseEntity.name,
        ...fields,
        // A job that is removed leaves no lease behind for long.
        ttl: Math.ceil(endsAtMs / 1000) + 86_400,
      },
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
    }),
  );
}

/** Takes the job's lease for `durationMs`, or answers undefined when a live run holds it. */
export async function acquireJobLease(job: string, durationMs: number): Promise<JobLease | undefined> {
  const now = nowMs();
  const lease = { holder: randomUUID(), expiresAtMs: now + durationMs + LEASE_CLOCK_MARGIN_MS };
  try {
    await putLease(
      job,
      { ...lease, takenAt: new Date(now).toISOString() },
      lease.expiresAtMs,
      'attribute_not_exists(pk) OR expiresAtMs < :now',
      { ':now': now },
    );
    return lease;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Gives the lease back (expired at once) if this run still holds it. A failure is logged, not
 * thrown: the run's work is done, and the lease expires on its own.
 */
export async function releaseJobLease(job: string, lease: JobLease): Promise<void> {
  const now = nowMs();
  try {
    await putLease(
      job,
      { expiresAtMs: 0, releasedAt: new Date(now).toISOString() },
      now,
      'holder = :holder',
      {
        ':holder': lease.holder,
      },
    );
  } catch (error) {
    logger.warn('job lease not released; it expires on its own', {
      job,
      expiresAt: new Date(lease.expiresAtMs).toISOString(),
      reason: conditionFailed(error) ? 'no longer the holder' : String(error),
    });
  }
}

/** What platform/job-handler.ts takes the lease with (it cannot import the store itself). */
export const jobLeases: JobLeases = { acquire: acquireJobLease, release: releaseJobLease };
