import { describe, expect, it } from 'vitest';
import type { Anomaly } from '#model/anomaly';
import { newOrderId } from '#model/ids';
import type { Order } from '#model/order';
import { pagoEfectivo } from '#psp/pagoefectivo/index';
import { findCreationIntent, recordCreationIntent } from '#store/creation-intents';
import { api, eventually, orderRequest, sandbox } from '../support/api';

/**
 * A create-order request that dies after PagoEfectivo minted the CIP and before the order was
 * stored leaves a CIP no order holds (and the PSP cannot be searched by our order id). The intent
 * recorded before the PSP call is how its payment is still traced to the order and reference.
 */
describe('a voucher whose order creation died', () => {
  it('every order creation records its intent before asking the PSP', async () => {
    const order = (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
    expect(await findCreationIntent(order.id)).toMatchObject({
      orderId: order.id,
      reference: order.reference,
      amount: order.amount,
      currency: order.currency,
    });
  });

  it('is traced by its payment to the order and reference it was minted for', async () => {
    // What create-order does up to the PSP's answer, then "dies": no order is ever stored.
    const request = orderRequest();
    const orderId = newOrderId(Date.now());
    const expiresAt = new Date(Date.now() + 3600_000);
    await recordCreationIntent({
      orderId,
      reference: request.reference,
      amount: request.amount,
      currency: request.currency,
      createdAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    const cip = await pagoEfectivo().createCip({
      transactionCode: orderId,
      currency: request.currency,
      amountMinor: request.amount,
      expiresAt,
      userEmail: request.buyer.email,
      paymentConcept: request.concept,
    });
    // The buyer pays it anyway (the code was shown by PagoEfectivo's own page, say).
    await sandbox('POST', `/_sandbox/cips/${cip.cip}/pay`, { notify: true });
    const anomaly = await eventually(async () =>
      (
        await api<{ items: Anomaly[] }>('GET', '/v1/anomalies?type=orphan_voucher_paid&limit=100')
      ).body.items.find((item) => item.cip === cip.cip),
    );
    expect(anomaly.orderId).toBe(orderId);
    expect(anomaly.detail).toContain(request.reference);
    expect(anomaly.amount).toBe(request.amount);
    // Not an unknown CIP: nothing else was raised for it.
    const unknown = await api<{ items: Anomaly[] }>('GET', '/v1/anomalies?type=unknown_cip&limit=100');
    expect(unknown.body.items.some((item) => item.cip === cip.cip)).toBe(false);
  });
});
