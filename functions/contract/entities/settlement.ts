import { byKindIndex, listingIndex } from './indexes';
import { sequence } from './key-parts';

/**
 * A settlement report import (`SETTLEMENT#<id>` / `SETTLEMENT`) and its lines in the same
 * partition (`LINE#<n>`), listed by outcome (gsi1); every settlement by import time (gsi2).
 */
export const settlementEntity = {
  name: 'settlement',
  /** The index each listing lives on. */
  indexes: { all: listingIndex },
  prefix: 'SETTLEMENT#',
  key: (id: string) => ({ pk: `SETTLEMENT#${id}`, sk: 'SETTLEMENT' }),
  /** gsi2: every settlement (one a day: one partition). */
  all: 'SETTLEMENTS',
  itemKeys: (id: string, importedAt: string) => ({
    ...settlementEntity.key(id),
    gsi2pk: settlementEntity.all,
    gsi2sk: `${importedAt}#${id}`,
  }),
} as const;

/** One line of a settlement report, with its outcome. */
export const settlementLineEntity = {
  name: 'settlement-line',
  /** The index each listing lives on. */
  indexes: { byOutcome: byKindIndex },
  key: (settlementId: string, line: number) => ({
    pk: `SETTLEMENT#${settlementId}`,
    sk: `LINE#${sequence(line)}`,
  }),
  /** Every line's sort key starts so. */
  sortPrefix: 'LINE#',
  /** gsi1: a settlement's lines with one outcome. */
  byOutcome: (settlementId: string, outcome: string) => `SETTLEMENT_LINES#${settlementId}#${outcome}`,
  itemKeys: (settlementId: string, line: number, outcome: string) => {
    const key = settlementLineEntity.key(settlementId, line);
    return { ...key, gsi1pk: settlementLineEntity.byOutcome(settlementId, outcome), gsi1sk: key.sk };
  },
} as const;

/** An Idempotency-Key given with a report upload, bound to that report's SHA-256 (TTL 7 days). */
export const settlementUploadKeyEntity = {
  name: 'settlement-upload-key',
  key: (key: string) => ({ pk: `SETTLEMENT_KEY#${key}`, sk: 'SETTLEMENT_KEY' }),
} as const;
