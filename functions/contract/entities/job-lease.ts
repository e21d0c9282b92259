/** Who runs a scheduled job now and until when, where the stage reserves no concurrency (decision 88). */
export const jobLeaseEntity = {
  name: 'job-lease',
  key: (job: string) => ({ pk: `JOB#${job}`, sk: 'LEASE' }),
} as const;
