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

/** Who acted, as audit entries record it: the key, and the person (principal) holding it. */
export interface Acting {
  keyId: string;
  principal?: string;
}

/** The person behind an audit entry; entries recorded before principals name their key only. */
export const principalOf = (actor: Acting): string => actor.principal ?? actor.keyId;

/**
 * Maker-checker: the person who approves is not the person who requested. People, not keys
 * (decision 76): two keys of one principal are one person, so a second key proves nothing.
 */
export function assertAnotherApprover(requestedBy: Acting, approver: Acting, rule: string): void {
  if (principalOf(requestedBy) === principalOf(approver))
    throw new ConflictError('approver_must_differ', rule);
}
