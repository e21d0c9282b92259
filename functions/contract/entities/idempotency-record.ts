/**
 * An idempotency record (store/idempotency-records.ts), one partition per record, so creates of
 * the whole marketplace never queue on one partition: `IDEMPOTENCY#<operation>#<hash>` / `IDEMPOTENCY`.
 */
export const idempotencyRecordEntity = {
  name: 'idempotency',
  /** For IAM: the functions that create things may delete (expire) these. */
  partitionPattern: 'IDEMPOTENCY#*',
  key: (operation: string, keyHash: string) => ({
    pk: `IDEMPOTENCY#${operation}#${keyHash}`,
    sk: 'IDEMPOTENCY',
  }),
} as const;
