import { byKindIndex, listingIndex } from './indexes';
import { timeSortKey } from './key-parts';

/** A payment we could not apply cleanly, kept for people to resolve (first detection wins). */
export const anomalyEntity = {
  name: 'anomaly',
  /** The index each listing lives on. */
  indexes: { byType: byKindIndex, all: listingIndex },
  prefix: 'ANOMALY#',
  key: (id: string) => ({ pk: `ANOMALY#${id}`, sk: 'ANOMALY' }),
  /** gsi1: anomalies of one type. */
  byType: (type: string) => `ANOMALY_TYPE#${type}`,
  /** gsi2: every anomaly (a handful a day: one partition). */
  all: 'ANOMALIES',
  itemKeys: (anomaly: { id: string; type: string; detectedAt: string }) => {
    const sortKey = timeSortKey(anomaly.detectedAt, anomaly.id);
    return {
      ...anomalyEntity.key(anomaly.id),
      gsi1pk: anomalyEntity.byType(anomaly.type),
      gsi1sk: sortKey,
      gsi2pk: anomalyEntity.all,
      gsi2sk: sortKey,
    };
  },
} as const;
