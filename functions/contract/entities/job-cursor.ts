/** Where a bounded scheduled pass stopped (or reached), one item per job (and lead, currency…). */
export const jobCursorEntity = {
  name: 'job-cursor',
  key: (job: string) => ({ pk: `JOB#${job}`, sk: 'CURSOR' }),
} as const;
