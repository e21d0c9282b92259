/**
 * What one requester (API key id) had approved at once — without a second person — on one Lima
 * day, per currency: the per-requester maker-checker cap reads it (decision 75). TTL a few days on.
 */
export const refundDayEntity = {
  name: 'refund-day',
  key: (requesterId: string, limaDay: string, currency: string) => ({
    pk: `REFUND_DAY#${requesterId}`,
    sk: `${limaDay}#${currency}`,
  }),
} as const;
