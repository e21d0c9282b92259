import type { OrderStatus } from './order';

/**
 * What the marketplace can hear about: the event vocabulary (types and the event as delivered).
 * How an event is stored (the outbox item) is the store's business: store/outbox.ts.
 */
export const EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.paid_late',
  'order.expired',
  'order.cancelled',
  'order.fulfilled',
  'order.refunded',
  'order.expiry_extended',
  'order.expiring_soon',
  'order.payment_option_added',
  'order.settled',
  // A payment dated by its notification's receipt now carries the provider's own date.
  'order.payment_date_confirmed',
  // The provider's notification names another amount or currency than the payment booked (decision 137).
  'order.payment_contested',
  'order.flagged',
  'order.risk_reviewed',
  'payment.anomaly',
  'webhook_endpoint.disabled',
  'refund.requested',
  'refund.approved',
  'refund.rejected',
  'refund.paid_out',
  'refund.failed',
  'settlement.completed',
  'payout.requested',
  'payout.approved',
  'payout.rejected',
  'payout.paid_out',
  'payout.failed',
  'seller.bank_account_changed',
  'ledger.integrity_failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface OutboxEvent {
  /** Stable across retries and redeliveries: the Standard Webhooks `webhook-id`. */
  id: string;
  type: EventType;
  /** ISO-8601; when the change happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The event an order change announces, by the status it reaches. */
export const EVENT_TYPE_BY_STATUS: Record<OrderStatus, EventType> = {
  PENDING_PAYMENT: 'order.created',
  PAID: 'order.paid',
  PAID_LATE: 'order.paid_late',
  EXPIRED: 'order.expired',
  CANCELLED: 'order.cancelled',
  FULFILLED: 'order.fulfilled',
  REFUNDED: 'order.refunded',
};
