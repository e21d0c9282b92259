import { maskCci } from '#ledger/cci';
import { RefundSchema } from './api-schemas';
import type { Refund } from './refund';

/** A refund as the API shows it: schema key order, and the CCI masked but for its last 4 digits. */
export function refundResponse(refund: Refund): Refund {
  return RefundSchema.parse({
    ...refund,
    destination: { ...refund.destination, cci: maskCci(refund.destination.cci) },
  });
}
