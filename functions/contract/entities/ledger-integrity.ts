const PREFIX = 'INTEGRITY#';

/**
 * The ledger's self-check (jobs/ledger-integrity.ts): `INTEGRITY#ledger` / `RUN` holds the pass in
 * progress (its cursor and running sums), `REPORT` the latest completed pass. A pass that finds a
 * difference announces `ledger.integrity_failed` from the partition `INTEGRITY#<passId>`.
 */
export const ledgerIntegrityEntity = {
  name: 'ledger-integrity',
  prefix: PREFIX,
  run: () => ({ pk: `${PREFIX}ledger`, sk: 'RUN' }),
  report: () => ({ pk: `${PREFIX}ledger`, sk: 'REPORT' }),
  /** The outbox subject of one pass's event. */
  passSubject: (passId: string) => `${PREFIX}${passId}`,
} as const;
