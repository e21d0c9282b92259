import type { Currency } from '#model/money';
import type { Order, OrderStatus } from '#model/order';
import { paymentOptions } from '#model/payment-options';
import type { VoucherCopy } from './copy.es-PE';

/**
 * One way to pay an order, as the order carries it (issue 30: a cash CIP, a wallet QR/redirect),
 * narrowed to what the buyer's page reads. Orders made before payment options existed carry none:
 * `paymentOptionsOf` reads them as the one cash option they are.
 */
export interface PaymentOptionInput {
  id: string;
  method: 'cash' | 'wallet';
  provider: string;
  status: 'open' | 'paid' | 'closed' | 'expired' | 'unavailable';
  amount: number;
  currency: Currency;
  expiresAt: string;
  cash?: { cip: string };
  wallet?: { wallets: string[]; qrPayload?: string; redirectUrl?: string };
}

/** What an option reads as on the page: `unavailable` options are never shown. */
export type OptionDisplayStatus = 'open' | 'paid' | 'closed' | 'expired';

const PAID: ReadonlySet<OrderStatus> = new Set(['PAID', 'FULFILLED', 'PAID_LATE', 'REFUNDED']);

/**
 * The order's options as the API shows them (model/payment-options.ts): the cash voucher first,
 * then the wallet options the order keeps, each with the status derived from the order.
 */
export function paymentOptionsOf(order: Order): PaymentOptionInput[] {
  return paymentOptions(order);
}

/**
 * An option's status as the buyer reads it, given the order's (displayed) status: once the order
 * is paid every option reads "Pagado" — whichever one the money came by, none is to be paid again;
 * an order that can no longer be paid leaves no option open; an open option past its own deadline
 * (a wallet QR lives shorter than a CIP) reads as expired.
 */
export function optionDisplayStatus(
  option: PaymentOptionInput,
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

export function optionTitle(option: Pick<PaymentOptionInput, 'method'>, copy: VoucherCopy): string {
  return option.method === 'cash' ? copy.cashTitle : copy.walletTitle;
}
