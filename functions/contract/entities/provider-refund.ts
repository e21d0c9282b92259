/** A provider-run refund's id at the provider → our refund (its notifications carry only theirs). */
export const providerRefundEntity = {
  name: 'provider-refund',
  key: (provider: string, providerRefundId: string) => ({
    pk: `PROVIDER_REFUND#${provider}#${providerRefundId}`,
    sk: 'PROVIDER_REFUND',
  }),
} as const;
