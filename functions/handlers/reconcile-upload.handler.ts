import { createHash } from 'node:crypto';
import type { Context, S3Event } from 'aws-lambda';
import { RESERVE_MS, timeLeftMs, withDeadline } from '#platform/deadline';
import { lambdaHandler } from '#platform/lambda-handler';
import { logger } from '#platform/powertools';
import { objectBody, objectMetadata } from '#platform/s3-objects';
import { pspProvider } from '#psp/index';
import { importReport } from '#settlements/reconcile';

/** Stop starting batches this long before Lambda's timeout; the retried invocation resumes. */
const IMPORT_RESERVE_MS = 30_000;

/**
 * S3 `ObjectCreated` on the stage's report bucket (uploaded through a presigned URL from
 * POST /v1/settlements/uploads): reconcile the report. The file is streamed three times (hash,
 * validate, apply) and never held whole. A run cut short throws, so Lambda's async retries
 * resume it (the same SHA-256 is the same settlement); an unreadable report, or one past a limit,
 * is logged with its problems and not retried.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = (event: S3Event, context: Context): Promise<void> =>
  withDeadline(context.getRemainingTimeInMillis(), RESERVE_MS.job, async () => {
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const metadata = await objectMetadata(bucket, key);
      const hash = createHash('sha256');
      for await (const chunk of await objectBody(bucket, key)) hash.update(chunk as Buffer);
      try {
        const { settlement } = await importReport(
          {
            open: () => objectBody(bucket, key),
            format: key.endsWith('.xlsx') ? 'xlsx' : 'csv',
            fileName: metadata['file-name'] ?? key,
            sha256: hash.digest('hex'),
          },
          {
            partial: metadata.partial === 'true',
            psp: pspProvider(),
            by: metadata['imported-by'] ?? `s3:${key}`,
            hasTimeLeft: () => timeLeftMs() > IMPORT_RESERVE_MS,
          },
        );
        if (settlement.status !== 'COMPLETED')
          throw new Error(`settlement ${settlement.id} not finished in time; retrying resumes it`);
      } catch (error) {
        // Unreadable (400) or past a limit (422): the same file would fail the same way again.
        const status = (error as { status?: number }).status;
        if (status === 400 || status === 422) {
          logger.error('settlement report refused', { key, error });
          continue;
        }
        throw error;
      }
    }
  });

export const handler = lambdaHandler(run);
