import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { Anomaly } from '#model/anomaly';
import type { Payout } from '#model/payout';
import type { Refund } from '#model/refund';
import type { DeliveryAttempt, WebhookEndpoint } from '#model/webhook-endpoint';
import type { DeliveryAttemptSchema, WebhookEndpointSchema } from '#outbound-webhooks/schemas';
import type { AnomalySchema } from '#payments/anomaly-schemas';
import type { PayoutSchema } from '#payouts/api-schemas';
import type { RefundSchema } from '#refunds/api-schemas';

// The store holds domain types declared on their own (decision 51); the API schemas must describe
// exactly them. Checked by the type checker (`npm run typecheck`), so a drift fails the build.
describe('API schemas describe the domain types exactly', () => {
  it('Refund', () => expectTypeOf<z.infer<typeof RefundSchema>>().toEqualTypeOf<Refund>());
  it('Payout', () => expectTypeOf<z.infer<typeof PayoutSchema>>().toEqualTypeOf<Payout>());
  it('Anomaly', () => expectTypeOf<z.infer<typeof AnomalySchema>>().toEqualTypeOf<Anomaly>());
  it('WebhookEndpoint', () =>
    expectTypeOf<z.infer<typeof WebhookEndpointSchema>>().toEqualTypeOf<WebhookEndpoint>());
  it('DeliveryAttempt', () =>
    expectTypeOf<z.infer<typeof DeliveryAttemptSchema>>().toEqualTypeOf<DeliveryAttempt>());
});
