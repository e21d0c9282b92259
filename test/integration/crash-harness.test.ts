import { createHash, randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import { handler as acceptLatePayment } from '#handlers/accept-late-payment.handler';
import { run as applyPaymentRun } from '#handlers/apply-payment.handler';
import { handler as cancelOrder } from '#handlers/cancel-order.handler';
import { handler as createOrder } from '#handlers/create-order.handler';
import { handler as fulfilOrder } from '#handlers/fulfil-order.handler';
import { handler as ingestNotificationRoute } from '#handlers/ingest-notification.handler';
import { handler as payouts } from '#handlers/payouts.handler';
import { handler as refunds } from '#handlers/refunds.handler';
import { handler as settlements } from '#handlers/settlements.handler';
import { handler as webhookEndpoints } from '#handlers/webhook-endpoints.handler';
import { expireDueOrders } from '#jobs/expire-orders';
import { FUNCTIONS, type FunctionName } from '#lib/topology';
import type { Order } from '#model/order';
import { settlementIdFor } from '#model/settlement';
import { applyPayment as applyObservedPayment } from '#payments/apply-payment';
import { dynamo, sqs } from '#platform/aws';
import { advanceClock, now } from '#platform/clock';
import { config, resetConfigForTests, tableName } from '#platform/config';
import { pspProvider } from '#psp/index';
import { notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { getAnomaly } from '#store/anomalies-repository';
import { getSellerBalance, listSellerLedger, trialBalance } from '#store/ledger-repository';
import { getOrder, listOrders } from '#store/orders-repository';
import { listPayouts } from '#store/payouts-repository';
import { listRefunds } from '#store/refunds-repository';
import { getSettlement, listLines } from '#store/settlements-repository';
import { getEndpoint, listEndpoints } from '#store/webhook-endpoints-repository';
import { bankDestination as destination, orderRequest, sandbox, stack, TEST_CCI } from '../support/api';
import { endCoolingOff } from '../support/cooling-off';
import { type FaultPlan, installFaultInjector, recordCalls, TRANSACTION_CALL } from '../support/faults';
import { TEST_CREDENTIALS } from '../support/global-stack';
import { type Answer, callRoute } from '../support/in-process';
import { useOwnTable } from '../support/own-table';

/**
 * Crash at every write boundary (decision 71). Each flow is run once cleanly, counting the calls
 * it makes to DynamoDB, SQS and the PSP; then, for every n of those calls, on fresh data, with the
 * n-th call failing — before it is sent, after it succeeded (its answer lost), or after it
 * succeeded with the invocation dying there (nothing after it reaches the outside), and each
 * DynamoDB transaction also cancelled by a conflict with another writer (nothing written) — followed by
 * the retries a client or trigger makes (same Idempotency-Key; after a dead invocation's lock has
 * lapsed). Every run must end in the clean run's state: each effect exactly once, and the ledger
 * whole (trial balance 0, each seller's balance = Σ its ledger lines).
 *
 * A table of its own (like expiry-reads): the expirer then reads only these orders, and the trial
 * balance is this file's alone. The handlers run in this process, where the injector sees them.
 */

interface Flow<Ctx> {
  name: string;
  /** The Lambda whose timeout bounds a dead invocation's idempotency claim. */
  fn: FunctionName;
  setup(): Promise<Ctx>;
  /** Set up each run just before it, not in a batch up front (the expirer takes every due order). */
  setupJustBefore?: boolean;
  /** One attempt, as the client (or the queue, or the scheduler) makes it. */
  act(ctx: Ctx): Promise<Answer>;
  /** Whether the client stops retrying after this answer (default: any 2xx). */
  finished?(answer: Answer, ctx: Ctx): Promise<boolean>;
  /** The sellers whose balances the flow moves. */
  sellers(ctx: Ctx): string[];
  /** What the flow changed, without ids or times: a faulted run must end exactly like the clean one. */
  observe(ctx: Ctx, last: Answer): Promise<unknown>;
}

const MODES: Omit<FaultPlan, 'at'>[] = [
  { when: 'before', crash: false },
  { when: 'after', crash: false },
  { when: 'after', crash: true },
];

const MAKER = 'key_maker';
const CHECKER = 'key_checker';

// ——— steps the flows are built from (in-process, no faults) ———

const ok = (answer: Answer, what: string): Answer => {
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
};

const newSeller = () => `seller-${randomUUID().slice(0, 8)}`;

async function placeOrder(sellers: string[], expiresInMinutes = 1440, amount = 15000): Promise<Order> {
  // Two sellers, two thirds and one third, each paying a 10 % fee.
  const first = Math.round((amount * 2) / 3);
  const request = orderRequest({
    amount,
    splits: [
      { sellerId: sellers[0] ?? 'x', amount: first, fee: Math.round(first / 10) },
      { sellerId: sellers[1] ?? 'y', amount: amount - first, fee: Math.round((amount - first) / 10) },
    ],
    expiresInMinutes,
  });
  const answer = ok(
    await callRoute('create-order', createOrder, { method: 'POST', resource: '/v1/orders', body: request }),
    'create order',
  );
  return answer.body as Order;
}

let operation = 900_000_000 + Math.floor(Math.random() * 50_000_000);

/** The queue message the ingest function would have sent for a `cip.paid` of the whole order. */
function paidRecord(order: Order, operationNumber = operation++): SQSRecord {
  const raw = JSON.stringify({
    eventType: 'cip.paid',
    operationNumber,
    data: {
      cip: Number(order.voucher.cip),
      currency: order.currency,
      amount: order.amount / 100,
      paymentDate: now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
      transactionCode: order.id,
    },
  });
  const message = {
    notificationId: randomUUID(),
    receivedAt: now().toISOString(),
    rawBodyBase64: Buffer.from(raw).toString('base64'),
    provider: 'pagoefectivo',
  };
  return { messageId: randomUUID(), body: JSON.stringify(message) } as SQSRecord;
}

async function applyPayment(record: SQSRecord): Promise<Answer> {
  try {
    await applyPaymentRun(record);
    return { status: 200, body: {} };
  } catch (error) {
    return { status: 500, body: { error: String(error) } };
  }
}

async function paidOrder(sellers: string[], amount?: number): Promise<Order> {
  const order = await placeOrder(sellers, undefined, amount);
  ok(await applyPayment(paidRecord(order)), 'pay');
  return (await getOrder(order.id, true)) as Order;
}

/** Cancelled, then paid all the same: PAID_LATE, its cash in suspense. */
async function lateOrder(sellers: string[]): Promise<Order> {
  const order = await placeOrder(sellers);
  ok(
    await callRoute('cancel-order', cancelOrder, {
      method: 'POST',
      resource: '/v1/orders/{id}/cancel',
      pathParameters: { id: order.id },
    }),
    'cancel',
  );
  ok(await applyPayment(paidRecord(order)), 'pay late');
  return (await getOrder(order.id, true)) as Order;
}

const refundRoute = (id: string, move: string, body?: unknown, keyId = CHECKER) =>
  callRoute('refunds', refunds, {
    method: 'POST',
    resource: `/v1/refunds/{id}/${move}`,
    pathParameters: { id },
    body,
    keyId,
  });

/** A requester per run: approval at once is capped per requester and Lima day (decision 75). */
const newRequester = () => `${MAKER}_${randomUUID().slice(0, 8)}`;

const requestRefund = (order: Order, amount: number, requester: string, idempotencyKey?: string) =>
  callRoute('refunds', refunds, {
    method: 'POST',
    resource: '/v1/orders/{id}/refunds',
    pathParameters: { id: order.id },
    body: { amount, reason: 'return', destination },
    keyId: requester,
    ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
  });

const payoutRoute = (id: string, move: string, body?: unknown) =>
  callRoute('payouts', payouts, {
    method: 'POST',
    resource: `/v1/payouts/{id}/${move}`,
    pathParameters: { id },
    body,
    keyId: CHECKER,
  });

/**
 * A seller with available money and a bank account: the order paid at the sandbox (whose
 * notification we apply here), then PagoEfectivo's settlement report for it imported.
 */
async function sellerWithAvailableMoney(): Promise<{ seller: string; other: string }> {
  const seller = newSeller();
  const other = newSeller();
  const order = await placeOrder([seller, other]);
  const paid = await sandbox<{ operationNumber: string }>('POST', `/_sandbox/cips/${order.voucher.cip}/pay`, {
    notify: false,
  });
  ok(await applyPayment(paidRecord(order, Number(paid.body.operationNumber))), 'pay');
  const report = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settledOn: now().toISOString().slice(0, 10), only: [order.voucher.cip] }),
  });
  ok(
    await callRoute('settlements', settlements, {
      method: 'POST',
      resource: '/v1/settlements',
      rawBody: await report.text(),
      headers: { 'content-type': 'text/csv' },
    }),
    'settle',
  );
  ok(
    await callRoute('payouts', payouts, {
      method: 'PUT',
      resource: '/v1/sellers/{sellerId}/bank-account',
      pathParameters: { sellerId: seller },
      body: { cci: TEST_CCI, holderName: 'Tienda SAC', documentType: 'DNI', documentNumber: '45678912' },
    }),
    'bank account',
  );
  await endCoolingOff(seller);
  return { seller, other };
}

const requestPayout = (seller: string, idempotencyKey: string) =>
  callRoute('payouts', payouts, {
    method: 'POST',
    resource: '/v1/payouts',
    body: { sellerId: seller, currency: 'PEN' },
    keyId: MAKER,
    headers: { 'Idempotency-Key': idempotencyKey },
  });

// ——— what a flow left behind ———

/** Each seller's balance and ledger, as figures (no ids, no times). */
async function money(sellers: string[]) {
  return Promise.all(
    sellers.map(async (seller) => {
      const lines = (await listSellerLedger(seller, 100)).items;
      return {
        balances: await getSellerBalance(seller),
        lines: lines.map((line) => `${line.reason} ${line.amount} ${line.bucket}`).sort(),
      };
    }),
  );
}

const orderShape = (order: Order | undefined) =>
  order && {
    status: order.status,
    version: order.version,
    history: order.history.map((step) => `${step.from}→${step.to}`),
    payment: order.payment?.amount,
    refundReserved: order.refundReserved,
    refundedAmount: order.refundedAmount,
    refunds: order.refunds?.length,
  };

async function refundsOf(orderId: string) {
  return (await listRefunds({ orderId, limit: 100 })).items;
}

async function refundShape(orderId: string) {
  return (await refundsOf(orderId)).map((refund) => ({
    status: refund.status,
    amount: refund.amount,
    history: refund.history.map((step) => step.status),
    version: refund.version,
  }));
}

// ——— the flows ———

const key = () => `harness-${randomUUID()}`;

// biome-ignore lint/suspicious/noExplicitAny: each flow has its own context; the harness never reads it
const flows: Flow<any>[] = [
  {
    name: 'create order',
    fn: 'create-order',
    setup: async () => ({ sellers: [newSeller(), newSeller()], key: key(), request: undefined }),
    act: async (ctx) => {
      ctx.request ??= orderRequest({
        splits: [
          { sellerId: ctx.sellers[0] ?? 'x', amount: 10000, fee: 1000 },
          { sellerId: ctx.sellers[1] ?? 'y', amount: 5000, fee: 500 },
        ],
      });
      return callRoute('create-order', createOrder, {
        method: 'POST',
        resource: '/v1/orders',
        body: ctx.request,
        headers: { 'Idempotency-Key': ctx.key },
      });
    },
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx, last) => {
      const orders = (await listOrders({ sellerId: ctx.sellers[0], limit: 10 })).items;
      return {
        answer: last.status,
        sameOrder: last.body?.id === orders[0]?.id,
        orders: orders.map(orderShape),
      };
    },
  } satisfies Flow<{ sellers: string[]; key: string; request: ReturnType<typeof orderRequest> | undefined }>,
  {
    name: 'refund request (auto-approved)',
    fn: 'refunds',
    setup: async () => {
      const sellers = [newSeller(), newSeller()];
      return { sellers, order: await paidOrder(sellers), key: key(), requester: newRequester() };
    },
    // The same client retries: same API key, same Idempotency-Key.
    act: (ctx) => requestRefund(ctx.order, 12000, ctx.requester, ctx.key),
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx, last) => {
      const stored = await refundsOf(ctx.order.id);
      return {
        answer: last.status,
        sameRefund: last.body?.id === stored[0]?.id,
        refunds: await refundShape(ctx.order.id),
        order: orderShape(await getOrder(ctx.order.id, true)),
      };
    },
  } satisfies Flow<{ sellers: string[]; order: Order; key: string; requester: string }>,
  ...(['approve', 'mark-paid', 'mark-failed'] as const).map(
    (move): Flow<{ sellers: string[]; order: Order; refundId: string; paidAt: string }> => ({
      name: `refund ${move}`,
      fn: 'refunds',
      setup: async () => {
        const sellers = [newSeller(), newSeller()];
        // Approval needs a refund at or above the threshold (maker-checker), so an order that large;
        // the others a small one (approved at once).
        const threshold = config().REFUND_APPROVAL_THRESHOLD;
        const order = await paidOrder(sellers, move === 'approve' ? Math.max(threshold, 15000) : undefined);
        const amount = move === 'approve' ? threshold : 9000;
        const refund = ok(await requestRefund(order, amount, newRequester()), 'refund');
        // Else the flow would test nothing: approve answers 409 for a refund approved at once.
        expect(refund.body.status).toBe(move === 'approve' ? 'REQUESTED' : 'APPROVED');
        return { sellers, order, refundId: refund.body.id, paidAt: now().toISOString() };
      },
      // Every retry sends the same body, as a client retrying a lost answer does.
      act: (ctx) =>
        refundRoute(
          ctx.refundId,
          move,
          move === 'mark-paid'
            ? { transferReference: 'OP-123456', paidAt: ctx.paidAt }
            : move === 'mark-failed'
              ? { reason: 'account closed' }
              : undefined,
        ),
      // A move that committed before its answer was lost answers its retry with the refund as it
      // is (200), not 409: the same step by the same person, asked again.
      finished: async (answer) => answer.status < 300,
      sellers: (ctx) => ctx.sellers,
      observe: async (ctx) => ({
        refunds: await refundShape(ctx.order.id),
        order: orderShape(await getOrder(ctx.order.id, true)),
      }),
    }),
  ),
  // The marketplace's order steps, retried with the same Idempotency-Key as the SDK does: a retry
  // after a step that committed answers 200 as the first did (its record is in the step's
  // transaction, decision 133), not 409 `invalid_status`.
  ...(
    [
      ['accept late payment', 'accept-late-payment', acceptLatePayment, lateOrder],
      ['fulfil order', 'fulfil-order', fulfilOrder, paidOrder],
    ] as const
  ).map(
    ([name, fn, route, prepared]): Flow<{ sellers: string[]; order: Order; key: string }> => ({
      name,
      fn,
      setup: async () => {
        const sellers = [newSeller(), newSeller()];
        return { sellers, order: await prepared(sellers), key: key() };
      },
      act: (ctx) =>
        callRoute(fn, route, {
          method: 'POST',
          resource: `/v1/orders/{id}/${fn === 'fulfil-order' ? 'fulfil' : fn}`,
          pathParameters: { id: ctx.order.id },
          headers: { 'Idempotency-Key': ctx.key },
        }),
      sellers: (ctx) => ctx.sellers,
      observe: async (ctx, last) => ({
        answer: `${last.status} ${last.body?.status}`,
        order: orderShape(await getOrder(ctx.order.id, true)),
      }),
    }),
  ),
  {
    name: 'payout request',
    fn: 'payouts',
    setup: async () => ({ ...(await sellerWithAvailableMoney()), key: key() }),
    act: (ctx) => requestPayout(ctx.seller, ctx.key),
    sellers: (ctx) => [ctx.seller, ctx.other],
    observe: async (ctx, last) => {
      const stored = (await listPayouts({ sellerId: ctx.seller, limit: 10 })).items;
      return {
        answer: last.status,
        samePayout: last.body?.id === stored[0]?.id,
        payouts: stored.map((payout) => `${payout.status} ${payout.amount}`),
      };
    },
  } satisfies Flow<{ seller: string; other: string; key: string }>,
  ...(['approve', 'mark-paid'] as const).map(
    (move): Flow<{ seller: string; other: string; payoutId: string; paidAt: string }> => ({
      name: `payout ${move}`,
      fn: 'payouts',
      setup: async () => {
        const sellers = await sellerWithAvailableMoney();
        const payout = ok(await requestPayout(sellers.seller, key()), 'payout');
        if (move === 'mark-paid') ok(await payoutRoute(payout.body.id, 'approve'), 'approve payout');
        return { ...sellers, payoutId: payout.body.id, paidAt: now().toISOString() };
      },
      act: (ctx) =>
        payoutRoute(
          ctx.payoutId,
          move,
          move === 'mark-paid' ? { transferReference: 'TRX-98765', paidAt: ctx.paidAt } : undefined,
        ),
      // As for refunds: a retry of a step that committed answers 200 with the payout as it is.
      finished: async (answer) => answer.status < 300,
      sellers: (ctx) => [ctx.seller, ctx.other],
      observe: async (ctx) => ({
        payouts: (await listPayouts({ sellerId: ctx.seller, limit: 10 })).items.map(
          (payout) => `${payout.status} ${payout.amount} ${payout.history.map((step) => step.status)}`,
        ),
      }),
    }),
  ),
  {
    name: 'create webhook endpoint',
    fn: 'webhook-endpoints',
    setup: async () => ({ key: key(), description: `harness ${randomUUID()}` }),
    act: (ctx) =>
      callRoute('webhook-endpoints', webhookEndpoints, {
        method: 'POST',
        resource: '/v1/webhook-endpoints',
        body: { url: 'http://127.0.0.1:9/hooks', events: ['order.paid'], description: ctx.description },
        headers: { 'Idempotency-Key': ctx.key },
      }),
    sellers: () => [],
    observe: async (ctx, last) => {
      const mine = (await listEndpoints(100)).items.filter((e) => e.description === ctx.description);
      return {
        answer: last.status,
        sameEndpoint: last.body?.id === mine[0]?.id,
        sameSecret: last.body?.secret === mine[0]?.secrets[0]?.secret,
        endpoints: mine.length,
      };
    },
  } satisfies Flow<{ key: string; description: string }>,
  {
    name: 'rotate webhook secret',
    fn: 'webhook-endpoints',
    setup: async () => {
      const created = ok(
        await callRoute('webhook-endpoints', webhookEndpoints, {
          method: 'POST',
          resource: '/v1/webhook-endpoints',
          body: {
            url: 'http://127.0.0.1:9/hooks',
            events: ['order.paid'],
            description: `harness ${randomUUID()}`,
          },
        }),
        'create endpoint',
      );
      return { key: key(), id: created.body.id as string, firstSecret: created.body.secret as string };
    },
    // The SDK retries a POST with the same Idempotency-Key (decision 132).
    act: (ctx) =>
      callRoute('webhook-endpoints', webhookEndpoints, {
        method: 'POST',
        resource: '/v1/webhook-endpoints/{id}/rotate-secret',
        pathParameters: { id: ctx.id },
        headers: { 'Idempotency-Key': ctx.key },
      }),
    sellers: () => [],
    observe: async (ctx, last) => {
      const secrets = (await getEndpoint(ctx.id))?.secrets ?? [];
      return {
        answer: last.status,
        // Rotated once: the new secret answered is the current one, and the first still overlaps.
        answeredIsCurrent: last.body?.secret === secrets.find((secret) => !secret.expiresAt)?.secret,
        firstOverlaps: secrets.some((secret) => secret.secret === ctx.firstSecret && secret.expiresAt),
        secrets: secrets.length,
      };
    },
  } satisfies Flow<{ key: string; id: string; firstSecret: string }>,
  {
    name: 'apply payment (queued notification)',
    fn: 'apply-payment',
    setup: async () => {
      const sellers = [newSeller(), newSeller()];
      const order = await placeOrder(sellers);
      return { sellers, order, record: paidRecord(order) };
    },
    // The queue redelivers the same message until it is processed.
    act: (ctx) => applyPayment(ctx.record),
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx) => ({ order: orderShape(await getOrder(ctx.order.id, true)) }),
  } satisfies Flow<{ sellers: string[]; order: Order; record: SQSRecord }>,
  {
    name: 'a payment booked by polling, contested by its notification (decision 137)',
    fn: 'apply-payment',
    setup: async () => {
      const sellers = [newSeller(), newSeller()];
      const order = await placeOrder(sellers);
      // Found by polling: booked at the voucher's amount, no operation number.
      await applyObservedPayment(
        {
          cip: order.voucher.cip,
          operationNumber: null,
          amountMinor: order.amount,
          currency: 'PEN',
          paidAt: now(),
        },
        'poll',
      );
      // Its notification says the buyer paid S/ 50.00 less.
      return { sellers, order, record: paidRecord({ ...order, amount: order.amount - 5_000 }) };
    },
    act: (ctx) => applyPayment(ctx.record),
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx) => {
      const order = await getOrder(ctx.order.id, true);
      const contested = order?.payment?.contested;
      const anomaly = contested ? await getAnomaly(contested.anomalyId) : undefined;
      return { order: orderShape(order), contested: contested?.amount, anomaly: anomaly?.type };
    },
  } satisfies Flow<{ sellers: string[]; order: Order; record: SQSRecord }>,
  {
    name: 'ingest notification, then its processing',
    fn: 'ingest-notification',
    setup: async () => {
      const sellers = [newSeller(), newSeller()];
      const order = await placeOrder(sellers);
      const message = JSON.parse(paidRecord(order).body) as { rawBodyBase64: string };
      return { sellers, order, raw: Buffer.from(message.rawBodyBase64, 'base64').toString() };
    },
    // PagoEfectivo delivers again until it gets a 2xx.
    act: (ctx) =>
      callRoute('ingest-notification', ingestNotificationRoute, {
        method: 'POST',
        resource: '/webhooks/pagoefectivo',
        rawBody: ctx.raw,
        headers: { 'pe-signature': notificationSignature(TEST_CREDENTIALS.secretKey, ctx.raw) },
      }),
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx) => {
      await drainPaymentQueue();
      return { order: orderShape(await getOrder(ctx.order.id, true)) };
    },
  } satisfies Flow<{ sellers: string[]; order: Order; raw: string }>,
  {
    name: 'settlement import: a paid order and its second payment, held in suspense',
    fn: 'settlements',
    setup: async () => {
      const sellers = [newSeller(), newSeller()];
      const order = await placeOrder(sellers);
      const paid = await sandbox<{ operationNumber: string }>(
        'POST',
        `/_sandbox/cips/${order.voucher.cip}/pay`,
        {
          notify: false,
        },
      );
      ok(await applyPayment(paidRecord(order, Number(paid.body.operationNumber))), 'pay');
      // The buyer paid the same CIP again: a duplicate_payment anomaly, its cash in suspense.
      const second = String(operation++);
      ok(await applyPayment(paidRecord(order, Number(second))), 'pay again');
      const report = await fetch(`${stack().sandboxUrl}/_sandbox/settlements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ settledOn: now().toISOString().slice(0, 10), only: [order.voucher.cip] }),
      });
      // PagoEfectivo settles both operations: the sandbox's line, and the same for the second.
      const [header, line] = (await report.text()).trim().split(/\r?\n/);
      const secondLine = line?.replace(/^(\d+);(\d+);/, (_, cip: string) => `${cip};${second};`);
      const file = `${header}\r\n${line}\r\n${secondLine}\r\n`;
      const settlementId = settlementIdFor(createHash('sha256').update(file).digest('hex'));
      return { sellers, order, operations: [paid.body.operationNumber, second], file, settlementId };
    },
    // The finance tool posts the same file again until the import answers as completed.
    act: (ctx) =>
      callRoute('settlements', settlements, {
        method: 'POST',
        resource: '/v1/settlements',
        rawBody: ctx.file,
        headers: { 'content-type': 'text/csv' },
      }),
    // 202: not finished in the request's time (post the same file again to resume).
    finished: async (answer) => answer.status === 200 || answer.status === 201,
    sellers: (ctx) => ctx.sellers,
    observe: async (ctx, last) => {
      const settlement = await getSettlement(ctx.settlementId);
      const order = await getOrder(ctx.order.id, true);
      const lines = (await listLines(ctx.settlementId, { limit: 10 })).items;
      const entries = await Promise.all(
        ctx.operations.map((operationNumber) =>
          dynamo().send(
            new GetCommand({
              TableName: tableName(),
              Key: journalEntryEntity.key(`settlement:${ctx.order.voucher.cip}:${operationNumber}`),
              ConsistentRead: true,
            }),
          ),
        ),
      );
      return {
        answer: last.body?.id === ctx.settlementId,
        settlement: { status: settlement?.status, counts: settlement?.counts },
        lines: lines.map(
          (line) => `${line.line} ${line.outcome} held:${line.suspenseAnomalyId !== undefined}`,
        ),
        // The order's settlement and the held cash's arrival, each booked once (one entry per id).
        entries: entries.map(({ Item }) =>
          Item
            ? Object.fromEntries(
                (Item.lines as { account: string; amount: number }[]).map((l) => [l.account, l.amount]),
              )
            : undefined,
        ),
        order: orderShape(order),
        orderSettled: order?.settlement?.id === ctx.settlementId,
      };
    },
  } satisfies Flow<{
    sellers: string[];
    order: Order;
    operations: string[];
    file: string;
    settlementId: string;
  }>,
  {
    name: 'cancel order',
    fn: 'cancel-order',
    setup: async () => ({ order: await placeOrder([newSeller(), newSeller()]), key: key() }),
    // Retried with the same Idempotency-Key, as the SDK does: the retry of a cancel that committed
    // answers 200 with the cancelled order (decision 133), never 409 `invalid_status`.
    act: (ctx) =>
      callRoute('cancel-order', cancelOrder, {
        method: 'POST',
        resource: '/v1/orders/{id}/cancel',
        pathParameters: { id: ctx.order.id },
        headers: { 'Idempotency-Key': ctx.key },
      }),
    sellers: () => [],
    observe: async (ctx, last) => ({
      answer: `${last.status} ${last.body?.status}`,
      order: orderShape(await getOrder(ctx.order.id, true)),
      cipAtPsp: (await sandbox<{ status: string }>('GET', `/_sandbox/cips/${ctx.order.voucher.cip}`)).body
        .status,
    }),
  } satisfies Flow<{ order: Order; key: string }>,
  {
    name: 'expiry (scheduled job)',
    fn: 'expire-orders',
    setup: async () => ({ order: await placeOrder([newSeller(), newSeller()], 10) }),
    setupJustBefore: true,
    // The job as its handler runs it, but with a grace that makes a 10-minute order due now (with
    // two minutes to spare) instead of moving the clock, which other flows running meanwhile share.
    // Nothing else in this table is due within 12 minutes: every other flow's orders last a day.
    act: async () => {
      try {
        const summary = await expireDueOrders(pspProvider(), {
          graceSeconds: -12 * 60,
          maxOrders: config().JOB_MAX_ORDERS,
          batchSize: config().PSP_SEARCH_BATCH_SIZE,
          hasTimeLeft: () => true,
        });
        return { status: 200, body: summary };
      } catch (error) {
        return { status: 500, body: { error: String(error) } };
      }
    },
    // The scheduler runs the job again; it is done with this order once the order is expired.
    finished: async (_answer, ctx) => (await getOrder(ctx.order.id, true))?.status === 'EXPIRED',
    sellers: () => [],
    observe: async (ctx) => ({ order: orderShape(await getOrder(ctx.order.id, true)) }),
  } satisfies Flow<{ order: Order }>,
];

// ——— the harness ———

/** The calls `act` makes from a clean start, and what it leaves behind. */
async function cleanRun<Ctx>(flow: Flow<Ctx>) {
  const ctx = await flow.setup();
  const { outcome, calls } = await recordCalls(undefined, () => flow.act(ctx));
  if (outcome instanceof Error) throw outcome;
  expect(await isFinished(flow, outcome, ctx), `${flow.name}: clean run ${JSON.stringify(outcome)}`).toBe(
    true,
  );
  await assertLedgerWhole(flow.sellers(ctx));
  return { calls, observed: await observeAll(flow, ctx, outcome) };
}

/** The flow's own observation and the money of its sellers. */
const observeAll = async <Ctx>(flow: Flow<Ctx>, ctx: Ctx, last: Answer) => ({
  effects: await flow.observe(ctx, last),
  money: await money(flow.sellers(ctx)),
});

const isFinished = <Ctx>(flow: Flow<Ctx>, answer: Answer, ctx: Ctx) =>
  flow.finished ? flow.finished(answer, ctx) : Promise.resolve(answer.status < 300);

/**
 * The faulted attempt, then retries as the client would: a 5xx or a lost race again at once; a
 * 409 idempotency_in_progress once the dead invocation's lock has lapsed (its Lambda timeout: the
 * clock is moved past it, and back afterwards — a clock drifting ever further from the sandbox's
 * would have the sandbox refuse our PSP authorisations, and other flows share it).
 */
async function faultedRun<Ctx>(flow: Flow<Ctx>, ctx: Ctx, plan: FaultPlan) {
  const faulted = await recordCalls(plan, () => flow.act(ctx));
  let last: Answer =
    faulted.outcome instanceof Error
      ? { status: 500, body: { error: String(faulted.outcome) } }
      : faulted.outcome;
  const answers = [last];
  let advanced = 0;
  try {
    for (let retry = 0; retry < 5 && !(await isFinished(flow, last, ctx)); retry++) {
      if (last.body?.code === 'idempotency_in_progress') {
        const seconds = FUNCTIONS[flow.fn].timeoutSeconds + 1;
        advanceClock(seconds);
        advanced += seconds;
      }
      last = await flow.act(ctx);
      answers.push(last);
    }
  } finally {
    advanceClock(-advanced);
  }
  return { ctx, last, answers, fired: faulted.fired, call: faulted.calls[plan.at - 1] };
}

/** Trial balance 0 in every currency; what each seller is owed is what its ledger lines add up to. */
async function assertLedgerWhole(sellers: string[]) {
  for (const currency of ['PEN', 'USD']) expect((await trialBalance(currency)).total).toBe(0);
  for (const seller of sellers) {
    const lines = (await listSellerLedger(seller, 100)).items as {
      amount: number;
      currency: string;
      reason: string;
    }[];
    for (const balance of await getSellerBalance(seller)) {
      // What we owe the seller moves with each of its journal lines; a settlement's line only
      // shows money moving from pending to available (no journal line of the seller's).
      const sum = lines
        .filter((line) => line.currency === balance.currency && line.reason !== 'settlement')
        .reduce((total, line) => total + line.amount, 0);
      expect(balance.pending + balance.available + balance.inTransit, `${seller} ${balance.currency}`).toBe(
        sum,
      );
    }
  }
}

// ——— the harness's own table and payment queue ———

let paymentQueueUrl = '';

/** What the payment queue's trigger does: each message applied, then deleted. */
async function drainPaymentQueue() {
  for (;;) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({ QueueUrl: paymentQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return;
    for (const message of Messages) {
      ok(await applyPayment({ messageId: message.MessageId, body: message.Body } as SQSRecord), 'drain');
      await sqs().send(
        new DeleteMessageCommand({ QueueUrl: paymentQueueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

const savedQueue = process.env.PAYMENT_QUEUE_URL;
let restoreTable: () => void;

beforeAll(async () => {
  restoreTable = await useOwnTable('crash-harness');
  const queue = await sqs().send(new CreateQueueCommand({ QueueName: `crash-harness-${Date.now()}` }));
  paymentQueueUrl = queue.QueueUrl ?? '';
  // Ingest sends here, where no poller of the shared stack takes the message.
  process.env.PAYMENT_QUEUE_URL = paymentQueueUrl;
  resetConfigForTests();
  installFaultInjector();
  // Once-per-container work (the PSP token) done here, so no flow's first clean run counts it.
  await placeOrder([newSeller()]);
}, 60_000);

afterAll(() => {
  process.env.PAYMENT_QUEUE_URL = savedQueue;
  restoreTable();
});

describe('a crash at every write boundary, then the client retries', () => {
  it.each(flows.map((flow) => [flow.name, flow] as const))(
    '%s',
    async (_name, flow) => {
      const clean = await cleanRun(flow);
      expect(clean.calls.length).toBeGreaterThan(0);
      // Every call fails in each mode; every transaction is also cancelled by a conflict, once.
      const plans: FaultPlan[] = clean.calls.flatMap((call, i) => [
        ...MODES.map((mode) => ({ ...mode, at: i + 1 })),
        ...(call === TRANSACTION_CALL ? [{ when: 'conflict' as const, crash: false, at: i + 1 }] : []),
      ]);
      // Fresh data for every run, made a few at a time up front (nothing is faulted yet, and the
      // clock has not moved); the faulted runs then go one by one.
      const contexts: unknown[] = [];
      for (let i = 0; i < plans.length && !flow.setupJustBefore; i += 3) {
        contexts.push(...(await Promise.all(plans.slice(i, i + 3).map(() => flow.setup()))));
      }
      for (const [index, plan] of plans.entries()) {
        const run = await faultedRun(flow, contexts[index] ?? (await flow.setup()), plan);
        const answers = run.answers.map((a) => `${a.status} ${a.body?.code ?? JSON.stringify(a.body)}`);
        const label = `${flow.name}: call #${plan.at} ${run.call} failing ${plan.when}${plan.crash ? ', crash' : ''}; answers ${answers.join(', ')}`;
        expect(run.fired, label).toBe(true);
        // The client's retries end in an answer it can take as done, not only in the right state.
        expect(await isFinished(flow, run.last, run.ctx), label).toBe(true);
        expect(await observeAll(flow, run.ctx, run.last), label).toEqual(clean.observed);
        await assertLedgerWhole(flow.sellers(run.ctx));
      }
      // Create order makes ~27 runs of a few calls each: ~8 s on a quiet machine, a minute or more
      // on a busy one (the tier's default timeout), so each flow gets three.
    },
    180_000,
  );
});
