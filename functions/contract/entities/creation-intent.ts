/** Written before asking the PSP for a CIP: a paid CIP no order holds traces back through it. */
export const creationIntentEntity = {
  name: 'creation-intent',
  key: (orderId: string) => ({ pk: `CREATING#${orderId}`, sk: 'CREATING' }),
} as const;
