import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One write of a DynamoDB transaction, as every repository builds them. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The per-item cancellation codes of a cancelled DynamoDB transaction, or undefined for any other error. */
export function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.map((reason) => reason.Code);
  }
  return undefined;
}
