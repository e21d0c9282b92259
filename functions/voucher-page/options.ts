import type { OrderStatus } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import type { VoucherCopy } from './copy.es-PE';

/** What an option reads as on the page: `unavailable` options are never shown. */
export type OptionDisplayStatus = 'open' | 'paid' | 'closed' | 'expired';

const PAID: ReadonlySet<OrderStatus> = new Set(['PAID', 'FULFILLED', 'PAID_LATE', 'REFUNDED']);

/**
 * An option's status as the buyer reads it, given the order's (displayed) status: once the order
 * is paid every option reads "Pagado" — whichever one the money came by, none is to be paid again;
 * an order that can no longer be paid leaves no option open; an open option past its own deadline
 * (a wallet QR lives shorter than a CIP) reads as expired.
 */
export function optionDisplayStatus(
  option: PaymentOption,
  orderStatus: OrderStatus,
  at: Date,
): OptionDisplayStatus | undefined {
  if (option.status === 'unavailable') return undefined;
  if (PAID.has(orderStatus)) return 'paid';
  if (orderStatus !== 'PENDING_PAYMENT') return orderStatus === 'EXPIRED' ? 'expired' : 'closed';
  if (option.status === 'open' && at.getTime() >= Date.parse(option.expiresAt)) return 'expired';
  return option.status;
}

/** Only https links leave the page: a provider's `redirectUrl` is never a `javascript:` or app-scheme URL. */
export function safeRedirectUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function optionTitle(option: Pick<PaymentOption, 'method'>, copy: VoucherCopy): string {
  return option.method === 'cash' ? copy.cashTitle : copy.walletTitle;
}
