import type { Order } from '#model/order';
import type { CipStatus, PspProvider } from '#psp/provider';

/**
 * Asks the PSP about orders' CIPs in batches (POST /v1/cips/search takes several CIPs per call).
 * Yields each batch with its statuses, or with `undefined` when the PSP could not answer, so a
 * job can decide per order what an unanswered question means.
 */
export async function* searchInBatches(
  psp: PspProvider,
  orders: readonly Order[],
  batchSize: number,
): AsyncGenerator<{ orders: Order[]; statuses: Map<string, CipStatus> | undefined; error?: unknown }> {
  for (let start = 0; start < orders.length; start += batchSize) {
    const batch = orders.slice(start, start + batchSize);
    try {
      const found = await psp.searchVouchers(batch.map((order) => order.voucher));
      yield { orders: batch, statuses: new Map(found.map((status) => [status.cip, status])) };
    } catch (error) {
      yield { orders: batch, statuses: undefined, error };
    }
  }
}

/** The payment a PSP search reports for an order's CIP (the search carries no operation number). */
export function polledPayment(order: Order, status: CipStatus, fallbackPaidAt: Date) {
  return {
    cip: order.voucher.cip,
    operationNumber: null,
    // PagoEfectivo takes no partial payments: a missing amount is the CIP's own amount.
    amountMinor: status.amountMinor ?? order.amount,
    currency: status.currency ?? order.currency,
    paidAt: status.paidAt ?? fallbackPaidAt,
    // dLocal's status reply has no date: the poll's time stands in until the date is confirmed.
    paidAtSource: status.paidAt === undefined ? ('received' as const) : ('provider' as const),
  };
}
