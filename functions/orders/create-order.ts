import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { newOrderId, newVoucherPageToken } from '#model/ids';
import { type Order, type StoredPaymentOption, toSecondIso } from '#model/order';
import { now } from '#platform/clock';
import { config } from '#platform/config';
import { ConflictError, UnprocessableError, ValidationError } from '#platform/errors';
import { logger, metrics } from '#platform/powertools';
import type { PspProvider, VoucherRef } from '#psp/provider';
import type { WalletProvider } from '#psp/wallet-provider';
import { assessRisk } from '#risk/assess';
import { recordCreationIntent } from '#store/creation-intents';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import { findOrderIdByReference, insertOrder, ReferenceTakenError } from '#store/orders-repository';
import type { CreateOrderRequest } from './create-order-request';
import { orderEventData } from './present';
import { cancelOrphanWalletOrder, newWalletOption, walletRefusal } from './wallet-options';

function referenceTaken(reference: string, orderId: string | undefined): ConflictError {
  return new ConflictError('reference_taken', `An order with reference "${reference}" already exists.`, {
    orderId,
  });
}

/**
 * Turns a marketplace order into a CIP and stores both. The order id is the CIP's
 * transactionCode, so the PSP's records point back at us.
 *
 * Two requests racing with the same reference may both mint a CIP; only one transaction stores
 * its order, and the loser deletes its CIP at the PSP before answering 409, so no order ever
 * shows two CIPs and no buyer receives a code that leads nowhere.
 *
 * `completion` (an Idempotency-Key's record, decision 71) commits in the order's transaction: a
 * request that dies after it is replayed with this order; one that dies before it (even after the
 * CIP was minted, which the creation intent traces) stored nothing, and its retry creates the order.
 */
export async function createOrder(
  input: CreateOrderRequest,
  psp: PspProvider,
  completion: CompletionWrites<Order> = noCompletion,
  /** The stage's wallet provider; undefined where it has none configured. */
  wallet?: WalletProvider,
): Promise<Order> {
  const methods = input.paymentMethods ?? config().DEFAULT_PAYMENT_METHODS;
  const wantsWallet = methods.includes('wallet');
  // Provider limits before any call (decision 104): an order the wallet cannot take is offered
  // cash only — unless the caller asked for nothing but a wallet, who is told why.
  const refusal = wantsWallet ? walletRefusal(wallet, input.amount, input.currency) : undefined;
  if (refusal !== undefined && !methods.includes('cash')) {
    throw new UnprocessableError('wallet_not_offered', refusal, { field: 'paymentMethods' });
  }
  const existing = await findOrderIdByReference(input.reference);
  if (existing !== undefined) throw referenceTaken(input.reference, existing);
  // Each provider takes its own document types (dLocal: DNI or RUC): refused here, naming the
  // field, rather than by the provider after a round trip.
  if (!psp.payerDocumentTypes.includes(input.buyer.documentType)) {
    throw new ValidationError(
      [
        {
          field: 'buyer.documentType',
          message: `This stage's provider (${psp.name}) takes ${psp.payerDocumentTypes.join(' or ')} as the buyer's document.`,
        },
      ],
      `The buyer's document type ${input.buyer.documentType} is not one ${psp.name} accepts.`,
    );
  }

  // Before the PSP mints anything: a blocked order never has a CIP.
  const risk = await assessRisk({
    ip: input.risk?.ip,
    deviceId: input.risk?.deviceId,
    buyer: input.buyer,
    amount: input.amount,
    currency: input.currency,
  });
  const createdAt = now();
  const id = newOrderId(createdAt.getTime());
  const expiresAt = new Date(createdAt.getTime() + input.expiresInMinutes * 60_000);
  // Before the PSP mints anything: if this request dies after the CIP exists but before the
  // order does, a payment of that CIP is still traced to this order and reference.
  const intent = {
    orderId: id,
    reference: input.reference,
    amount: input.amount,
    currency: input.currency,
    createdAt: createdAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
  await recordCreationIntent(intent);
  // The wallet order is requested beside the CIP, not after it (the order costs the slower of the
  // two); a wallet provider that fails or is down leaves the option `unavailable`, never the order.
  const walletCreated: Promise<StoredPaymentOption | undefined> = wantsWallet
    ? newWalletOption(wallet, refusal, {
        orderId: id,
        amountMinor: input.amount,
        currency: input.currency,
        expiresAt,
        concept: input.concept,
        buyer: input.buyer,
        createdAt,
        intent,
      })
    : Promise.resolve(undefined);
  let cip: Awaited<ReturnType<PspProvider['createVoucher']>>;
  try {
    cip = await psp.createVoucher({
      transactionCode: id,
      currency: input.currency,
      amountMinor: input.amount,
      expiresAt,
      userEmail: input.buyer.email,
      paymentConcept: input.concept,
      userName: input.buyer.firstName,
      userLastName: input.buyer.lastName,
      userDocumentType: input.buyer.documentType,
      userDocumentNumber: input.buyer.documentNumber,
      userPhone: input.buyer.phone,
      additionalData: input.reference,
    });
  } catch (error) {
    // No order without its CIP: a wallet order minted beside it must not stay payable.
    const orphan = await walletCreated;
    if (orphan !== undefined) await cancelOrphanWalletOrder(wallet, orphan, id);
    throw error;
  }
  const walletOption = await walletCreated;

  const createdAtIso = createdAt.toISOString();
  const order: Order = {
    id,
    reference: input.reference,
    status: 'PENDING_PAYMENT',
    currency: input.currency,
    amount: input.amount,
    concept: input.concept,
    buyer: input.buyer,
    splits: input.splits,
    metadata: input.metadata,
    createdAt: createdAtIso,
    updatedAt: createdAtIso,
    expiresAt: toSecondIso(expiresAt),
    voucher: {
      provider: psp.name,
      cip: cip.cip,
      ...(cip.providerPaymentId === undefined ? {} : { providerPaymentId: cip.providerPaymentId }),
      url: cip.url,
      expiresAt: toSecondIso(cip.expiresAt),
      ...voucherPage(),
    },
    ...(walletOption === undefined ? {} : { paymentOptions: [walletOption] }),
    history: [{ from: null, to: 'PENDING_PAYMENT', at: createdAtIso, source: 'api' }],
    ...(risk.decision === 'flag' ? { risk: { decision: 'flagged' as const, rules: risk.rules } } : {}),
    version: 1,
  };

  try {
    await insertOrder(order, orderEventData(order), completion(order));
  } catch (error) {
    if (walletOption !== undefined) await cancelOrphanWalletOrder(wallet, walletOption, id);
    if (error instanceof ReferenceTakenError) {
      await deleteOrphanCip(psp, cip, id);
      throw referenceTaken(input.reference, error.existingOrderId);
    }
    // The CIP exists at the PSP but not with us: remove it so no buyer pays a code we cannot match.
    await deleteOrphanCip(psp, cip, id);
    throw error;
  }
  metrics.addMetric('OrderCreated', MetricUnit.Count, 1);
  logger.info('order created', { orderId: id, cip: cip.cip });
  return order;
}

/** A fresh voucher page for the buyer: its secret token and absolute URL on this API. */
function voucherPage(): { displayUrl: string; pageToken: string } {
  const baseUrl = config().PUBLIC_BASE_URL;
  if (baseUrl === undefined) throw new Error('PUBLIC_BASE_URL is not set: voucher page URLs cannot be made');
  const pageToken = newVoucherPageToken();
  return { displayUrl: `${baseUrl}/v/${pageToken}`, pageToken };
}

async function deleteOrphanCip(psp: PspProvider, voucher: VoucherRef, orderId: string): Promise<void> {
  const cip = voucher.cip;
  try {
    await psp.deleteVoucher(voucher);
  } catch (error) {
    // Never hide the original failure behind this one; the CIP expires on its own.
    logger.error('could not delete an orphan CIP', { cip, orderId, error });
    metrics.addMetric('OrphanCipNotDeleted', MetricUnit.Count, 1);
  }
}
