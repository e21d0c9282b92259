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

/**
 * One person, one spelling: principals are e-mail addresses (or key ids), and `FINANZAS@local.test`
 * is the console's `finanzas@local.test` — compared as typed, an admin's capital letter let one
 * person pass maker-checker alone (outside test 9, decision 134).
 */
export const samePrincipalSpelling = (principal: string): string => principal.trim().toLowerCase();

/** The person behind an audit entry; entries recorded before principals name their key only. */
export const principalOf = (actor: Acting): string => samePrincipalSpelling(actor.principal ?? actor.keyId);

/**
 * Maker-checker: the person who approves is not the person who requested. People, not keys
 * (decision 76): two keys of one principal are one person, so a second key proves nothing.
 */
export function assertAnotherApprover(requestedBy: Acting, approver: Acting, rule: string): void {
  if (principalOf(requestedBy) === principalOf(approver))
    throw new ConflictError('approver_must_differ', rule);
}

/**
 * Whether a step asked for now is the record's last step asked again: the same status, by the same
 * person, with the same details (reason, transfer reference, …). A client that retries after losing
 * the answer — a timeout, a function that died after its commit — then gets the record as it is
 * (200), not a 409 for a step it already took; any other step from that status is still refused.
 */
export function repeatsLastStep<Status extends string>(
  record: { status: Status; history: readonly ({ status: Status; by: Acting } & Record<string, unknown>)[] },
  to: Status,
  by: Acting,
  details: Record<string, string | undefined>,
): boolean {
  const last = record.history.at(-1);
  if (record.status !== to || last === undefined || last.status !== to) return false;
  if (principalOf(last.by) !== principalOf(by)) return false;
  return Object.entries(details).every(([field, value]) => value === undefined || last[field] === value);
}
