import { hashedValue } from './key-parts';

/** One risk rule's count for one (hashed) value in one fixed window; TTL two windows later. */
export const riskCounterEntity = {
  name: 'risk-counter',
  key: (ruleId: string, value: string, windowIndex: number) => ({
    pk: `RISK#${ruleId}#${hashedValue(value)}`,
    sk: `W#${windowIndex}`,
  }),
} as const;
