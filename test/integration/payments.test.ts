import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { orderEntity } from '#contract/entities/order';
import { handler as applyPaymentHandler } from '#handlers/apply-payment.handler';
import type { Anomaly } from '#model/anomaly';
import type { Order } from '#model/order';
import { processNotification } from '#notifications/process-notification';
import { applyPayment } from '#payments/apply-payment';
import { dynamo } from '#platform/aws';
import { config } from '#platform/config';
import { metrics } from '#platform/powertools';
import { dlocalAuthorization, dlocalSignature } from '#psp/dlocal/dlocal-signature';
import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { recordAnomaly } from '#store/anomalies-repository';
import { lambdaContext } from '../../local/lambda-context';
import { DEFAULT_DLOCAL_SANDBOX } from '../../local/sandbox/server';
import { api, eventually, orderRequest, sandbox } from '../support/api';
import { TEST_CREDENTIALS } from '../support/global-stack';
import { paidBody, postNotification } from '../support/notifications';

const createOrder = async () => (await api<Order>('POST', '/v1/orders', { body: orderRequest() })).body;
const getOrder = async (id: string) => (await api<Order>('GET', `/v1/orders/${id}`)).body;
const waitForStatus = (id: string, status: Order['status']) =>
  eventually(async () => {
    const order = await getOrder(id);
    return order.status === status ? order : undefined;
  });
const anomalies = async (type: string) =>
  (await api<{ items: Anomaly[] }>('GET', `/v1/anomalies?type=${type}&limit=100`)).body.items;
const waitForAnomaly = (type: string, cip: string) =>
  eventually(async () => (await anomalies(type)).find((anomaly) => anomaly.cip === cip));

async function rawNotificationStored(body: string | Buffer): Promise<boolean> {
  const id = createHash('sha256').update(body).digest('hex');
  // The table's key attribute keeps its first name (decision 117): a key cannot be renamed in place.
  const result = await dynamo().send(
    new GetCommand({ TableName: config().RAW_NOTIFICATION_TABLE_NAME, Key: { webhookId: id } }),
  );
  return result.Item !== undefined;
}

describe('signed notifications from the sandbox', () => {
  it('pays an order once, however many copies arrive', async () => {
    const order = await createOrder();
    const paid = await sandbox<{ operationNumber: string; deliveries: { status: number }[] }>(
      'POST',
      `/_sandbox/cips/${order.voucher.cip}/pay`,
      { copies: 5 },
    );
    expect(paid.body.deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
    const after = await waitForStatus(order.id, 'PAID');
    expect(after.payment).toMatchObject({
      operationNumber: paid.body.operationNumber,
      amount: order.amount,
      currency: 'PEN',
      source: 'webhook',
    });
    // Give the remaining copies time to be processed, then check nothing else happened.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = await getOrder(order.id);
    expect(settled.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect(settled.version).toBe(2);
    expect(await anomalies('duplicate_payment')).not.toContainEqual(
      expect.objectContaining({ cip: order.voucher.cip }),
    );
  });
});

describe('the webhook trusts nothing unsigned', () => {
  it('refuses a forged notification with 401 and stores and changes nothing', async () => {
    const order = await createOrder();
    const body = paidBody({ cip: order.voucher.cip, operationNumber: 1, amount: 150 }).replace(
      '"transactionCode":"ord_x"',
      '"transactionCode":"ord_x","userName":"Begoña Muñoz"',
    );
    const forged = await postNotification(body, notificationSignature('not-the-secret', body));
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('unauthorized');
    const unsigned = await postNotification(body, '');
    expect(unsigned.status).toBe(401);
    const latin1 = await postNotification(
      body,
      notificationSignature(TEST_CREDENTIALS.secretKey, Buffer.from(body, 'latin1')),
    );
    expect(latin1.status).toBe(401);
    expect(await rawNotificationStored(body)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses oversized bodies with 413 before anything else', async () => {
    const body = `{"eventType":"cip.paid","padding":"${'x'.repeat(70 * 1024)}"}`;
    const response = await postNotification(body);
    expect(response.status).toBe(413);
    expect(await rawNotificationStored(body)).toBe(false);
  });

  it('verifies bodies API Gateway delivers base64-encoded (bytes that are not UTF-8)', async () => {
    const order = await createOrder();
    // A PSP that encodes a buyer name in latin-1 sends bytes that are not valid UTF-8.
    const text = paidBody({ cip: order.voucher.cip, operationNumber: 7001, amount: 150 }).replace(
      '"transactionCode":"ord_x"',
      '"transactionCode":"ord_x","userName":"Muñoz"',
    );
    const bytes = Buffer.from(text, 'latin1');
    const response = await postNotification(bytes);
    expect(response.status).toBe(200);
    expect(await rawNotificationStored(bytes)).toBe(true);
    await waitForStatus(order.id, 'PAID');
  });
});

describe('applying payments', () => {
  it('records an amount mismatch as an anomaly and does not mark the order paid', async () => {
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { amount: 149.99 });
    const anomaly = await waitForAnomaly('amount_mismatch', order.voucher.cip);
    expect(anomaly).toMatchObject({ orderId: order.id, amount: 14999, source: 'webhook' });
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a sandbox payment whose amount is not a JSON number, naming the field, and pays nothing', async () => {
    const order = await createOrder();
    // A string of soles used to be ignored: the CIP paid in full and no mismatch rehearsed.
    const refused = await sandbox<{ code: string; errors: { field: string }[] }>(
      'POST',
      `/_sandbox/cips/${order.voucher.cip}/pay`,
      { amount: '149.99', ignoreDeletions: true },
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((error) => error.field).sort()).toEqual(['amount', 'ignoreDeletions']);
    const cip = await sandbox<{ status: string }>('GET', `/_sandbox/cips/${order.voucher.cip}`);
    expect(cip.body.status).toBe('generated');
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('lets operations resolve an anomaly once, saying what was done; open and resolved lists follow', async () => {
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { amount: 149.99 });
    const anomaly = await waitForAnomaly('amount_mismatch', order.voucher.cip);
    const openIds = async (status: string) =>
      (
        await api<{ items: Anomaly[] }>(
          'GET',
          `/v1/anomalies?type=amount_mismatch&status=${status}&limit=100`,
        )
      ).body.items.map((item) => item.id);
    expect(await openIds('open')).toContain(anomaly.id);

    const path = `/v1/anomalies/${encodeURIComponent(anomaly.id)}/resolve`;
    const resolution = 'Refunded S/ 149.99 by bank transfer T-8841; buyer will pay the exact amount.';
    const resolved = await api<Anomaly>('POST', path, { body: { resolution } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: anomaly.id, resolution, resolvedBy: 'local' });
    expect(resolved.body.resolvedAt).toEqual(expect.any(String));
    expect(await openIds('open')).not.toContain(anomaly.id);
    expect(await openIds('resolved')).toContain(anomaly.id);

    const again = await api<{ code: string; anomaly: Anomaly }>('POST', path, {
      body: { resolution: 'Other.' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'anomaly_already_resolved', anomaly: { resolution } });
    const missing = await api('POST', '/v1/anomalies/unknown_cip:1:1/resolve', { body: { resolution } });
    expect(missing.status).toBe(404);
    const empty = await api<{ errors: { field: string }[] }>('POST', path, { body: { resolution: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]?.field).toBe('resolution');
  });

  it('records a currency mismatch as an anomaly', async () => {
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, { currency: 'USD' });
    await waitForAnomaly('currency_mismatch', order.voucher.cip);
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('records a payment for an unknown CIP', async () => {
    const cip = String(90_000_000 + Math.floor(Math.random() * 9_000_000));
    expect((await postNotification(paidBody({ cip, operationNumber: 55, amount: 10 }))).status).toBe(200);
    expect(await waitForAnomaly('unknown_cip', cip)).toMatchObject({ cip, operationNumber: '55' });
  });

  it('moves a cancelled order that gets paid anyway to PAID_LATE', async () => {
    const order = await createOrder();
    expect((await api('POST', `/v1/orders/${order.id}/cancel`)).status).toBe(200);
    await postNotification(paidBody({ cip: order.voucher.cip, operationNumber: 8001, amount: 150 }));
    const late = await waitForStatus(order.id, 'PAID_LATE');
    expect(late.payment?.operationNumber).toBe('8001');
    expect(late.history.map((entry) => entry.to)).toEqual(['PENDING_PAYMENT', 'CANCELLED', 'PAID_LATE']);
  });

  it('flags a second, different payment of a paid order as a duplicate payment', async () => {
    const order = await createOrder();
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    const paid = await waitForStatus(order.id, 'PAID');
    await postNotification(paidBody({ cip: order.voucher.cip, operationNumber: 99_999_001, amount: 150 }));
    await waitForAnomaly('duplicate_payment', order.voucher.cip);
    expect((await getOrder(order.id)).payment).toEqual(paid.payment);
  });

  it('acknowledges unknown event types and unparsable bodies, and records them', async () => {
    const refunded = JSON.stringify({
      eventType: 'cip.refunded',
      data: { cip: 1 },
      nonce: crypto.randomUUID(),
    });
    const refundedResponse = await postNotification(refunded);
    expect(refundedResponse.status).toBe(200);
    const refundedId = refundedResponse.body.id;
    const unknown = await eventually(async () =>
      (await anomalies('unknown_event_type')).find((a) => a.notificationId === refundedId),
    );
    // The field's former name stays in the answer, deprecated, with the same value (decision 117).
    expect(unknown.webhookId).toBe(refundedId);

    const garbage = `not json ${crypto.randomUUID()}`;
    const garbageResponse = await postNotification(garbage);
    expect(garbageResponse.status).toBe(200);
    await eventually(async () =>
      (await anomalies('unparsable_notification')).find((a) => a.notificationId === garbageResponse.body.id),
    );
  });

  it('reads an anomaly stored before decision 117 (its notification named only webhookId) with notificationId', async () => {
    const id = `legacy-${crypto.randomUUID()}`;
    // Written as the code before the rename wrote it: no notificationId attribute.
    await recordAnomaly({
      id: `unknown_event_type:${id}`,
      type: 'unknown_event_type',
      detectedAt: new Date().toISOString(),
      detail: 'Event type cip.refunded is not handled.',
      webhookId: id,
      source: 'webhook',
    });
    const listed = (await anomalies('unknown_event_type')).find((a) => a.id === `unknown_event_type:${id}`);
    expect(listed).toMatchObject({ notificationId: id, webhookId: id });
  });

  it('lets exactly one of many concurrent applications win', async () => {
    const order = await createOrder();
    const payment = {
      cip: order.voucher.cip,
      operationNumber: '4242',
      amountMinor: order.amount,
      currency: 'PEN',
      paidAt: new Date(),
      transactionCode: order.id,
    };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => applyPayment(payment, 'webhook')));
    expect(outcomes.filter((outcome) => outcome.result === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.result === 'already_applied')).toHaveLength(9);
    const after = await getOrder(order.id);
    expect(after.version).toBe(2);
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
  });
});

describe('anomaly alarms', () => {
  it('count an anomaly once, however often the same one is seen again, and never count expiry hints', async () => {
    const order = await createOrder();
    const mismatched = {
      cip: order.voucher.cip,
      operationNumber: null,
      amountMinor: order.amount - 1,
      currency: 'PEN',
      paidAt: new Date(),
    };
    const counted = vi.spyOn(metrics, 'addMetric');
    try {
      for (let pass = 0; pass < 3; pass++) {
        expect(await applyPayment(mismatched, 'poll')).toMatchObject({
          result: 'anomaly',
          type: 'amount_mismatch',
        });
      }
      const unparsable = {
        notificationId: `garbage-${crypto.randomUUID()}`,
        receivedAt: new Date().toISOString(),
        rawBodyBase64: Buffer.from('not json').toString('base64'),
      };
      await processNotification(unparsable);
      await processNotification(unparsable);
      // A routine expiry hint is no anomaly: it must not feed the alarm.
      const expired = {
        notificationId: `expired-${crypto.randomUUID()}`,
        receivedAt: new Date().toISOString(),
        rawBodyBase64: Buffer.from(JSON.stringify({ eventType: 'cip.expired', data: { cip: 1 } })).toString(
          'base64',
        ),
      };
      expect(await processNotification(expired)).toEqual({ result: 'ignored', eventType: 'cip.expired' });
      const anomalyCounts = counted.mock.calls.filter(([name]) => name === 'PaymentAnomaly');
      expect(anomalyCounts).toHaveLength(2);
    } finally {
      counted.mockRestore();
    }
    expect((await getOrder(order.id)).status).toBe('PENDING_PAYMENT');
  });
});

describe('the queue consumer', () => {
  const record = (messageId: string, body: string): SQSRecord => ({
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
    awsRegion: 'us-east-1',
  });
  const queued = (raw: string, idName: 'notificationId' | 'webhookId' = 'notificationId') =>
    JSON.stringify({
      [idName]: createHash('sha256').update(raw).digest('hex'),
      receivedAt: new Date().toISOString(),
      rawBodyBase64: Buffer.from(raw).toString('base64'),
    });

  it('reports only the poison record as failed, and applies the rest', async () => {
    const order = await createOrder();
    const event: SQSEvent = {
      Records: [
        record('poison', '{"this is":"not our message"}'),
        record('good', queued(paidBody({ cip: order.voucher.cip, operationNumber: 3100, amount: 150 }))),
      ],
    };
    const response = await applyPaymentHandler(event, lambdaContext('apply-payment'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }]);
    expect((await getOrder(order.id)).status).toBe('PAID');
  });

  it('applies a message queued before decision 117, its id named webhookId (in flight during the deploy, or redriven)', async () => {
    const order = await createOrder();
    const raw = paidBody({ cip: order.voucher.cip, operationNumber: 3150, amount: 150 });
    const response = await applyPaymentHandler(
      { Records: [record('legacy', queued(raw, 'webhookId'))] },
      lambdaContext('apply-payment'),
    );
    expect(response.batchItemFailures).toEqual([]);
    const after = await getOrder(order.id);
    expect(after.status).toBe('PAID');
    expect(after.payment?.notificationId).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('applies a batch redelivered after a crash exactly once', async () => {
    const first = await createOrder();
    const second = await createOrder();
    const event: SQSEvent = {
      Records: [
        record('a', queued(paidBody({ cip: first.voucher.cip, operationNumber: 3201, amount: 150 }))),
        record('b', queued(paidBody({ cip: second.voucher.cip, operationNumber: 3202, amount: 150 }))),
      ],
    };
    // The first run applies both and "crashes" before acknowledging: SQS hands the batch over again.
    await applyPaymentHandler(event, lambdaContext('apply-payment'));
    const redelivered = await applyPaymentHandler(event, lambdaContext('apply-payment'));
    expect(redelivered.batchItemFailures).toEqual([]);
    for (const order of [first, second]) {
      const after = await getOrder(order.id);
      expect(after.status).toBe('PAID');
      expect(after.version).toBe(2);
    }
  });
});

describe('notifications that must not move an order', () => {
  /** A dLocal `PAID` notification for ticket `cip`, signed with the local stack's dLocal secret key. */
  function postDlocalPaid(cip: string, amount: number) {
    const body = JSON.stringify({
      id: `D-4-${crypto.randomUUID()}`,
      amount: amount / 100,
      currency: 'PEN',
      status: 'PAID',
      payment_method_id: 'PE',
      approved_date: new Date().toISOString(),
      ticket: { number: cip },
    });
    const date = new Date().toISOString();
    const { login, secretKey } = DEFAULT_DLOCAL_SANDBOX;
    return api<{ id?: string }>('POST', '/webhooks/dlocal', {
      rawBody: body,
      auth: false,
      headers: {
        'x-login': login,
        'x-date': date,
        authorization: dlocalAuthorization(dlocalSignature(secretKey, login, date, body)),
      },
    });
  }

  it("refuses a dLocal-signed notification naming a PagoEfectivo voucher's CIP: anomaly, order untouched", async () => {
    const order = await createOrder();
    expect(order.voucher.provider).toBe('pagoefectivo');
    const response = await postDlocalPaid(order.voucher.cip, order.amount);
    expect(response.status).toBe(200);
    const anomaly = await waitForAnomaly('provider_mismatch', order.voucher.cip);
    expect(anomaly).toMatchObject({ orderId: order.id, amount: order.amount, source: 'webhook' });
    expect(anomaly.detail).toContain('dlocal');
    const after = await getOrder(order.id);
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.version).toBe(order.version);
    // The voucher's own provider still pays it.
    await sandbox('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {});
    await waitForStatus(order.id, 'PAID');
  });

  it.each([
    ['years before the order was created', -3 * 365 * 86_400_000],
    ['an hour before the order was created', -3600_000],
    ['days in the future', 3 * 86_400_000],
  ])('records a payment dated %s as an anomaly and leaves the order as it was', async (_what, offsetMs) => {
    const order = await createOrder();
    const paidAt = new Date(Date.parse(order.createdAt) + offsetMs);
    const operationNumber = 40_000_000 + Math.floor(Math.random() * 9_000_000);
    const body = paidBody({ cip: order.voucher.cip, operationNumber, amount: 150, paidAt });
    expect((await postNotification(body)).status).toBe(200);
    const anomaly = await waitForAnomaly('implausible_payment_date', order.voucher.cip);
    expect(anomaly).toMatchObject({ orderId: order.id, operationNumber: String(operationNumber) });
    expect(anomaly.detail).toContain(paidAt.toISOString().slice(0, 16));
    const after = await getOrder(order.id);
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.payment).toBeUndefined();
  });

  it('applies a payment dated a few minutes either side of now as usual', async () => {
    const order = await createOrder();
    const paidAt = new Date(Date.now() + 5 * 60_000);
    await postNotification(
      paidBody({ cip: order.voucher.cip, operationNumber: 41_000_001, amount: 150, paidAt }),
    );
    expect((await waitForStatus(order.id, 'PAID')).payment?.paidAt).toBe(
      new Date(Math.floor(paidAt.getTime() / 1000) * 1000).toISOString(),
    );
  });
});

describe("a polled payment's operation number", () => {
  it('is recorded again when a transition that read the order before wrote it away: a redelivery completes, never the DLQ', async () => {
    const order = await createOrder();
    const paid = await sandbox<{ operationNumber: string }>(
      'POST',
      `/_sandbox/cips/${order.voucher.cip}/pay`,
      {
        notify: false,
      },
    );
    const observed = {
      cip: order.voucher.cip,
      amountMinor: order.amount,
      currency: order.currency,
      paidAt: new Date(Date.parse(order.createdAt) + 60_000),
    };
    expect(await applyPayment({ ...observed, operationNumber: null }, 'poll')).toMatchObject({
      result: 'applied',
    });
    // Its notification records the number (and the payment's record)…
    const notified = { ...observed, operationNumber: paid.body.operationNumber };
    expect(await applyPayment(notified, 'webhook')).toMatchObject({ result: 'already_applied' });
    expect((await getOrder(order.id)).payment?.operationNumber).toBe(paid.body.operationNumber);
    // …then a transition that read the order before writes the whole order back without it.
    await dynamo().send(
      new UpdateCommand({
        TableName: config().TABLE_NAME,
        Key: orderEntity.key(order.id),
        UpdateExpression: 'SET #payment.operationNumber = :null',
        ExpressionAttributeNames: { '#payment': 'payment' },
        ExpressionAttributeValues: { ':null': null },
      }),
    );
    // The notification redelivered: completed, not "kept changing" until the DLQ.
    expect(await applyPayment(notified, 'webhook')).toMatchObject({ result: 'already_applied' });
    expect((await getOrder(order.id)).payment?.operationNumber).toBe(paid.body.operationNumber);
  });
});
