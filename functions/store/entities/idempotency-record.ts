/**
 * A Powertools idempotency record, one partition per record (Powertools' default would put an
 * operation's every record in one partition): `IDEMPOTENCY#<operation>#<hash>` / `IDEMPOTENCY`.
 */
export const idempotencyRecordEntity = {
  name: 'idempotency',
  /** For IAM: the functions that create things may delete (expire) these. */
  partitionPattern: 'IDEMPOTENCY#*',
  key: (operation: string, idempotencyKey: string) => ({
    pk: `IDEMPOTENCY#${operation}#${idempotencyKey}`,
    sk: 'IDEMPOTENCY',
  }),
} as const;
