import { queueIndex } from './indexes';

/**
 * A wallet payment option's id (`po_…`, the provider's order number) → its order: written with the
 * order (or with the option, when added later) under `attribute_not_exists`. Wallet notifications
 * and the sandbox's pay control find the order by it.
 */
export const paymentOptionEntity = {
  name: 'payment-option',
  key: (optionId: string) => ({ pk: `OPTION#${optionId}`, sk: 'OPTION' }),
} as const;

/**
 * An option closed because another one paid the order (decision 104): each attempt to close it
 * at its provider (CIP deleted, wallet order cancelled), kept until done. While not done it sits
 * in the sparse gsi3 partition `OPTION_CLOSING`, which sync-pending reads to retry.
 */
export const optionClosureEntity = {
  name: 'option-closure',
  /** The index each listing lives on. */
  indexes: { closing: queueIndex },
  key: (optionId: string) => ({ pk: `OPTION_CLOSURE#${optionId}`, sk: 'OPTION_CLOSURE' }),
  closing: () => 'OPTION_CLOSING',
  /** The keys that put a closure in the retry queue, oldest request first. */
  closingKeys: (requestedAt: string, optionId: string) => ({
    gsi3pk: optionClosureEntity.closing(),
    gsi3sk: `${requestedAt}#${optionId}`,
  }),
} as const;
