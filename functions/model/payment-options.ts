import type { PaymentMethod, PaymentProviderName } from '#contract/service';
import type { Currency } from './money';
import type { Order, StoredPaymentOption } from './order';

/**
 * An order's payment options as the API shows them (decision 103): the cash voucher (always, id
 * derived from the order's) and the wallet options the order keeps. Each status is derived from
 * the order — the paid option is `paid`, every other one `closed` once the order holds a payment
 * — so a transition never has to update the options beside the order's status.
 */
export const PAYMENT_OPTION_STATUSES = ['open', 'paid', 'closed', 'expired', 'unavailable'] as const;
export type PaymentOptionStatus = (typeof PAYMENT_OPTION_STATUSES)[number];

export interface PaymentOption {
  id: string;
  method: PaymentMethod;
  provider: PaymentProviderName;
  status: PaymentOptionStatus;
  amount: number;
  currency: Currency;
  expiresAt: string;
  unavailableReason?: string;
  cash?: { cip: string; url: string; expiresAt: string; displayUrl?: string };
  wallet?: { wallets: string[]; qrPayload?: string; redirectUrl?: string };
}

export const PAYMENT_OPTION_ID_PATTERN = /^po_[0-9A-Z]{26}$/;

/** The cash option's id: the order's own ULID, so orders from before options have one too. */
export function cashOptionId(orderId: string): string {
  return `po_${orderId.slice('ord_'.length)}`;
}

/** Which option a payment came by: its own, or the cash voucher for payments before options. */
export function paidOptionId(order: Order): string | undefined {
  return order.payment ? (order.payment.optionId ?? cashOptionId(order.id)) : undefined;
}

/**
 * From the order alone, never the clock: a replayed response (Idempotency-Key) and an event
 * present the same order the same way. An option past its deadline stays `open` until the
 * expirer's final check expires the order.
 */
function derivedStatus(order: Order, id: string): PaymentOptionStatus {
  const paid = paidOptionId(order);
  if (paid !== undefined) return paid === id ? 'paid' : 'closed';
  if (order.status === 'CANCELLED') return 'closed';
  if (order.status === 'EXPIRED') return 'expired';
  return 'open';
}

/** The wallet option of `order` with this id, if any. */
export function storedOption(order: Order, optionId: string): StoredPaymentOption | undefined {
  return order.paymentOptions?.find((option) => option.id === optionId);
}

/** The wallet options a buyer may still pay (not unavailable). */
export function offeredWalletOptions(order: Order): StoredPaymentOption[] {
  return (order.paymentOptions ?? []).filter(
    (option) => option.method === 'wallet' && option.unavailableReason === undefined,
  );
}

export function paymentOptions(order: Order): PaymentOption[] {
  const { voucher } = order;
  const cashId = cashOptionId(order.id);
  const cash: PaymentOption = {
    id: cashId,
    method: 'cash',
    provider: voucher.provider,
    status: derivedStatus(order, cashId),
    amount: order.amount,
    currency: order.currency,
    expiresAt: voucher.expiresAt,
    cash: {
      cip: voucher.cip,
      url: voucher.url,
      expiresAt: voucher.expiresAt,
      ...(voucher.displayUrl === undefined ? {} : { displayUrl: voucher.displayUrl }),
    },
  };
  const others = (order.paymentOptions ?? []).map(
    (option): PaymentOption => ({
      id: option.id,
      method: option.method,
      provider: option.provider,
      status: option.unavailableReason !== undefined ? 'unavailable' : derivedStatus(order, option.id),
      amount: option.amount,
      currency: option.currency,
      expiresAt: option.expiresAt,
      ...(option.unavailableReason === undefined ? {} : { unavailableReason: option.unavailableReason }),
      ...(option.wallet === undefined
        ? {}
        : {
            wallet: {
              wallets: [...option.wallet.wallets],
              ...(option.wallet.qrPayload === undefined ? {} : { qrPayload: option.wallet.qrPayload }),
              ...(option.wallet.redirectUrl === undefined ? {} : { redirectUrl: option.wallet.redirectUrl }),
            },
          }),
    }),
  );
  return [cash, ...others];
}
