import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ALL_QUEUE_BUCKETS } from '#contract/entities/key-parts';
import type { ProviderName } from '#contract/service';
import type { Order } from '#model/order';
import { orderEventData } from '#orders/present';
import { now } from '#platform/clock';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider } from '#psp/provider';
import { getOrder, StaleOrderError } from '#store/orders-repository';
import {
  dropUnconfirmedPaymentDate,
  queryUnconfirmedPaymentDates,
  saveConfirmedPaymentDate,
  type UnconfirmedPaymentDate,
} from '#store/payment-dates';
import { reportAnomaly } from './apply-payment';

export interface PaymentDateSummary {
  /** Payments dated by their receipt that this run looked up. */
  examined: number;
  /** Now carrying the provider's date. */
  confirmed: number;
  /** Of those, the provider's date disagreed with PAID / PAID_LATE: an anomaly each. */
  disagreements: number;
  /** The provider gave no date yet (or could not be asked): tried again next run. */
  waiting: number;
  errors: number;
  itemsRead: number;
}

export interface PaymentDateOptions {
  /** At most this many payments per run (spread over the buckets, oldest first). */
  maxPayments: number;
  batchSize: number;
  hasTimeLeft: () => boolean;
}

/**
 * Whether the provider's payment date tells the same story as the order: PAID means paid in time,
 * PAID_LATE paid after we gave the order up. In time is by the order's deadline, or — for an order
 * cancelled before it — by when it was cancelled. Undefined when they agree; else why not.
 */
export function paymentDateDisagreement(order: Order, providerDate: Date): string | undefined {
  const paid = order.history.find(
    (entry) => (entry.from === 'PENDING_PAYMENT' && entry.to === 'PAID') || entry.to === 'PAID_LATE',
  );
  if (paid === undefined || order.payment === undefined) return undefined;
  const givenUp = order.history.find(
    (entry) => entry.from === 'PENDING_PAYMENT' && (entry.to === 'EXPIRED' || entry.to === 'CANCELLED'),
  );
  const deadline = Math.min(Date.parse(order.expiresAt), givenUp ? Date.parse(givenUp.at) : Infinity);
  const lateByProvider = providerDate.getTime() > deadline;
  const lateByUs = paid.to === 'PAID_LATE';
  if (lateByProvider === lateByUs) return undefined;
  const deadlineText = new Date(deadline).toISOString();
  return lateByUs
    ? `${order.voucher.provider} dates the payment ${providerDate.toISOString()}, before the order's deadline ` +
        `(${deadlineText}); its notification reached us ${order.payment.paidAt}, after it, and the order became ` +
        'PAID_LATE. Accept the payment (POST /v1/orders/{id}/accept-late-payment) or refund it.'
    : `${order.voucher.provider} dates the payment ${providerDate.toISOString()}, after the order's deadline ` +
        `(${deadlineText}); its notification reached us ${order.payment.paidAt} and the order became PAID. ` +
        'Check with the provider; refund the buyer if the order cannot be honoured.';
}

/**
 * Confirms payment dates that stood in from a notification's receipt (PagoEfectivo without
 * `paymentDate`, dLocal without `approved_date`, dLocal's dateless status reply): asks the
 * provider that issued each voucher for its own date and records it (`paidAtSource: "provider"`,
 * the receipt time kept as `receivedAt`, event `order.payment_date_confirmed`). A date that would
 * turn PAID into PAID_LATE or back moves no status and no money: it is recorded, and a
 * `payment_date_disagrees` anomaly names both dates for a person to decide.
 */
export async function confirmPaymentDates(
  providerFor: (name: ProviderName) => PspProvider,
  options: PaymentDateOptions,
): Promise<PaymentDateSummary> {
  const summary: PaymentDateSummary = {
    examined: 0,
    confirmed: 0,
    disagreements: 0,
    waiting: 0,
    errors: 0,
    itemsRead: 0,
  };
  const perBucket = Math.max(1, Math.ceil(options.maxPayments / ALL_QUEUE_BUCKETS.length));
  const markers: UnconfirmedPaymentDate[] = [];
  for (const bucket of ALL_QUEUE_BUCKETS) {
    const page = await queryUnconfirmedPaymentDates(bucket, perBucket);
    markers.push(...page.items);
    summary.itemsRead += page.itemsRead;
  }
  const waiting: { marker: UnconfirmedPaymentDate; order: Order }[] = [];
  for (const marker of markers) {
    const order = await getOrder(marker.orderId, true);
    if (order?.payment?.paidAtSource !== 'received' || order.payment.paidAt !== marker.receivedAt) {
      // Confirmed already (a crash between the two writes cannot happen: they share a transaction),
      // or a marker for a payment no longer on the order.
      await dropUnconfirmedPaymentDate(marker);
      continue;
    }
    waiting.push({ marker, order });
  }
  for (const provider of new Set(waiting.map((entry) => entry.marker.provider))) {
    const ofProvider = waiting.filter((entry) => entry.marker.provider === provider);
    for (let start = 0; start < ofProvider.length; start += options.batchSize) {
      if (!options.hasTimeLeft()) return finish(summary);
      const batch = ofProvider.slice(start, start + options.batchSize);
      summary.examined += batch.length;
      let dates: Map<string, Date>;
      try {
        dates = await providerFor(provider).paymentDates(batch.map(({ order }) => order.voucher));
      } catch (error) {
        summary.errors += batch.length;
        logger.warn('payment dates: the provider could not be asked', { provider, error });
        continue;
      }
      for (const { marker, order } of batch) {
        const date = dates.get(order.voucher.cip);
        if (date === undefined) {
          summary.waiting++;
          continue;
        }
        try {
          await confirmOne(order, marker, date, summary);
        } catch (error) {
          summary.errors++;
          logger.error('payment dates: could not record a confirmed date', { orderId: order.id, error });
        }
      }
    }
  }
  return finish(summary);
}

function finish(summary: PaymentDateSummary): PaymentDateSummary {
  metrics.addMetric('PaymentDatesConfirmed', MetricUnit.Count, summary.confirmed);
  return summary;
}

async function confirmOne(
  order: Order,
  marker: UnconfirmedPaymentDate,
  date: Date,
  summary: PaymentDateSummary,
): Promise<void> {
  const payment = order.payment;
  if (payment === undefined) return;
  const disagreement = paymentDateDisagreement(order, date);
  if (disagreement !== undefined) {
    // First the anomaly (idempotent by id), then the date: a crash between them re-raises the
    // same anomaly next run, which counts once.
    await reportAnomaly({
      id: `payment_date_disagrees:${order.voucher.cip}:${payment.operationNumber ?? 'polled'}`,
      type: 'payment_date_disagrees',
      detectedAt: now().toISOString(),
      detail: disagreement,
      cip: order.voucher.cip,
      ...(payment.operationNumber === null ? {} : { operationNumber: payment.operationNumber }),
      orderId: order.id,
      amount: payment.amount,
      currency: payment.currency,
      source: 'poll',
    });
    summary.disagreements++;
  }
  const at = now().toISOString();
  const next: Order = {
    ...order,
    payment: { ...payment, paidAt: date.toISOString(), paidAtSource: 'provider', receivedAt: payment.paidAt },
    updatedAt: at,
    version: order.version + 1,
  };
  try {
    await saveConfirmedPaymentDate(order, next, orderEventData(next), marker);
  } catch (error) {
    // Changed under us (refunded, fulfilled…): the marker stays, and the next run reads it afresh.
    if (error instanceof StaleOrderError) {
      summary.waiting++;
      return;
    }
    throw error;
  }
  summary.confirmed++;
  logger.info('payment date confirmed', {
    orderId: order.id,
    receivedAt: payment.paidAt,
    paidAt: next.payment?.paidAt,
    disagrees: disagreement !== undefined,
  });
}
