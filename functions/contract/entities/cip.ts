/** A CIP → its order; written with the order under `attribute_not_exists` (one order per CIP). */
export const cipEntity = {
  name: 'cip',
  key: (cip: string) => ({ pk: `CIP#${cip}`, sk: 'CIP' }),
} as const;
