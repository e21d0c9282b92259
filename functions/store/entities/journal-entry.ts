/** A ledger journal entry: written once (`attribute_not_exists`), never changed. */
export const journalEntryEntity = {
  name: 'journal-entry',
  key: (entryId: string) => ({ pk: `JOURNAL#${entryId}`, sk: 'ENTRY' }),
} as const;
