import { ConflictError } from './errors';

/** A record that moves through statuses with an audit chain (refunds, payouts). */
interface Stepped<Status extends string, Step> {
  status: Status;
  updatedAt: string;
  version: number;
  history: Step[];
}

/**
 * The record after one lifecycle step: the new status, the next version (the conditional write
 * checks the one read), and the step appended to its history with who and when.
 */
export function stepped<Status extends string, Step, Record extends Stepped<Status, Step>>(
  record: Record,
  to: Status,
  step: Step,
  at: string,
): Record {
  return {
    ...record,
    status: to,
    updatedAt: at,
    version: record.version + 1,
    history: [...record.history, step],
  };
}

/** Maker-checker: the key that approves is not the key that requested. */
export function assertAnotherApprover(requestedByKeyId: string, approverKeyId: string, rule: string): void {
  if (requestedByKeyId === approverKeyId) throw new ConflictError('approver_must_differ', rule);
}
