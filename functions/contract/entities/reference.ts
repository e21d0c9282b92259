/** The marketplace's reference → its order; written with the order under `attribute_not_exists`. */
export const referenceEntity = {
  name: 'reference',
  key: (reference: string) => ({ pk: `REF#${reference}`, sk: 'REF' }),
} as const;
