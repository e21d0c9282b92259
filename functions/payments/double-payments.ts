import type { Anomaly } from '#model/anomaly';
import { minorToDecimal } from '#model/money';
import type { Order } from '#model/order';
import { storedOption } from '#model/payment-options';
import { DOUBLE_PAYMENT_PROPOSER, type WalletPaymentDestination } from '#model/refund';
import { ConflictError } from '#platform/errors';
import { logger } from '#platform/powertools';
import { requestRefund } from '#refunds/refunds';
import { getAnomaly } from '#store/anomalies-repository';
import { getOrder } from '#store/orders-repository';

/**
 * Where a double payment's money goes back (decision 114): through a wallet provider's refund
 * API, never a transfer we would need the buyer's bank account for. The buyer paid one order
 * twice, so either payment is theirs to get back:
 * - the second payment came by a wallet: that wallet payment is refunded;
 * - it came by the CIP (PagoEfectivo has no refund API) and a wallet paid the order: the order's
 *   wallet payment is refunded for the same amount, and the CIP's money — held in suspense — is
 *   what the order keeps. The refund is booked out of suspense, and paid by the wallet provider
 *   out of what it owes us (psp_receivable), so sellers and settlement stay as they were.
 * Undefined when neither payment was a wallet's: a person requests a bank-transfer refund.
 */
export function walletRefundDestination(
  anomaly: Anomaly,
  order: Order,
): WalletPaymentDestination | undefined {
  const paidBack = (optionId: string | undefined, chargeId: string | null | undefined) => {
    const option = optionId === undefined ? undefined : storedOption(order, optionId);
    if (option === undefined || option.method !== 'wallet' || option.providerRef === undefined)
      return undefined;
    const { provider } = option;
    if (provider !== 'culqi' && provider !== 'dlocal') return undefined;
    return {
      type: 'wallet_payment' as const,
      provider,
      optionId: option.id,
      providerRef: option.providerRef,
      chargeId: chargeId ?? null,
    };
  };
  return (
    paidBack(anomaly.optionId, anomaly.operationNumber) ??
    paidBack(order.payment?.optionId, order.payment?.operationNumber)
  );
}

/**
 * A double payment's refund proposal, once per anomaly: requested by the system
 * (`system:double-payment`, which no person is, so it never approves itself and every proposal
 * waits for a person with the approve scope), for the anomaly's amount, out of suspense, naming
 * the anomaly (which names it back). Called whenever the anomaly is seen — first recorded or seen
 * again (a duplicated notification, the same payment found by polling) — so a crash between the
 * anomaly and its proposal is mended by the next sighting; of racing sightings, the anomaly's
 * conditional reservation lets one proposal through and the others find it taken.
 */
export async function proposeDoublePaymentRefund(anomaly: Anomaly, firstSighting: boolean): Promise<void> {
  if (anomaly.orderId === undefined || anomaly.amount === undefined) return;
  if (!firstSighting) {
    const stored = await getAnomaly(anomaly.id);
    if (stored === undefined || stored.refundId !== undefined || (stored.refundReserved ?? 0) > 0) return;
  }
  const order = await getOrder(anomaly.orderId, true);
  if (order === undefined) return;
  const destination = walletRefundDestination(anomaly, order);
  if (destination === undefined) {
    logger.warn(
      'double payment without a wallet payment to refund through: a person refunds it by transfer',
      {
        anomalyId: anomaly.id,
        orderId: order.id,
      },
    );
    return;
  }
  const paidBy =
    destination.optionId === anomaly.optionId ? 'this second payment' : 'the order\u2019s wallet payment';
  try {
    const refund = await requestRefund(
      order.id,
      {
        amount: anomaly.amount,
        reason: 'duplicate_payment',
        anomalyId: anomaly.id,
        destination,
        note:
          `Double payment (${anomaly.id}): order ${order.reference} was paid twice, ` +
          `${minorToDecimal(anomaly.amount)} ${order.currency} again by ${anomaly.optionId ?? `CIP ${anomaly.cip}`}. ` +
          `Proposed: refund ${paidBy} through ${destination.provider}'s refund API; the order keeps one payment.`,
      },
      DOUBLE_PAYMENT_PROPOSER,
      undefined,
      { proposal: true },
    );
    logger.info('double payment refund proposed', { anomalyId: anomaly.id, refundId: refund.id });
  } catch (error) {
    // Another sighting proposed it first: its reservation holds the anomaly's whole amount.
    if (error instanceof ConflictError && error.code === 'refund_exceeds_payment') return;
    throw error;
  }
}
