import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import type { JournalEntry } from '#model/journal';
import type { Order } from '#model/order';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { REPORT_MEDIA_TYPES } from '#settlements/report';
import { api, orderRequest, stack } from '../support/api';
import { paidBody, postNotification } from '../support/notifications';
import { expectMatchesOpenApi } from '../support/openapi-schemas';
import {
  anomalyListed,
  importReport,
  paidSplitOrder as paidOrder,
  report,
  type Settlement,
  underpaidOrder,
} from '../support/settlements';

interface Line {
  line: number;
  outcome: string;
  cip?: string;
  orderId?: string;
  anomalyId?: string;
}
interface Balance {
  balances: { currency: string; pending: number; available: number; reservedForRefunds: number }[];
}

/**
 * A journal entry as stored, read from DynamoDB Local: the trial balance would also move with the
 * other e2e files' traffic running beside this one.
 */
async function journalEntry(id: string): Promise<JournalEntry | undefined> {
  const read = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: journalEntryEntity.key(id), ConsistentRead: true }),
  );
  return read.Item as JournalEntry | undefined;
}

const linesOf = (entry: JournalEntry | undefined) =>
  Object.fromEntries((entry?.lines ?? []).map((line) => [line.account, line.amount]));

const balance = async (sellerId: string) =>
  (await api<Balance>('GET', `/v1/sellers/${sellerId}/balance`)).body.balances[0];

describe('settlement reconciliation', () => {
  it('imports a sandbox report with every fault class and lists each class; the same file twice changes nothing', async () => {
    const seller = `stl-${randomUUID()}`;
    const [matched, amount, currency, duplicate, commission, refunded, missing, omitted] = await Promise.all(
      [true, true, true, true, true, true, false, true].map((notify, i) =>
        paidOrder(`${seller}-${i}`, notify),
      ),
    );
    if (!matched || !amount || !currency || !duplicate || !commission || !refunded || !missing || !omitted)
      throw new Error('orders missing');
    expect(missing.status).toBe('PENDING_PAYMENT');
    const refund = await api('POST', `/v1/orders/${refunded.id}/refunds`, {
      body: {
        amount: 5000,
        reason: 'return',
        destination: {
          type: 'bank_account',
          cci: '00219300123456789013',
          holderName: 'Ana María Núñez Peña',
          documentType: 'DNI',
          documentNumber: '45678912',
        },
      },
    });
    expect(refund.status).toBe(201);
    const cips = [matched, amount, currency, duplicate, commission, refunded, missing, omitted].map(
      (o) => o.voucher.cip,
    );
    const file = await report({
      only: cips,
      faults: {
        omit: [omitted.voucher.cip],
        amount: { [amount.voucher.cip]: '199.00' },
        currency: { [currency.voucher.cip]: 'USD' },
        duplicate: [duplicate.voucher.cip],
        commission: { [commission.voucher.cip]: 3.5 },
        unknown: 1,
      },
    });
    expect(file.type).toContain('text/csv');
    const imported = await importReport(file.bytes);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const settlement = imported.body;
    expectMatchesOpenApi('Settlement', settlement);
    expect(settlement.status).toBe('COMPLETED');
    expect(settlement.lines).toBe(9);
    expect(settlement.counts).toEqual({
      matched: 2,
      amount_mismatch: 1,
      currency_mismatch: 1,
      unknown_payment: 1,
      duplicate_line: 1,
      refunded_before_settlement: 1,
      commission_mismatch: 1,
      missing_notification: 1,
      invalid_line: 0,
    });

    // Lines by outcome, each non-matched one with its anomaly.
    const linePage = (await api<{ items: Line[] }>('GET', `/v1/settlements/${settlement.id}/lines`)).body;
    expectMatchesOpenApi('SettlementLinePage', linePage);
    const lines = linePage.items;
    expect(lines).toHaveLength(9);
    const outcomeOf = (cip: string) => lines.filter((line) => line.cip === cip).map((line) => line.outcome);
    expect(outcomeOf(matched.voucher.cip)).toEqual(['matched']);
    expect(outcomeOf(duplicate.voucher.cip)).toEqual(['matched', 'duplicate_line']);
    expect(outcomeOf(amount.voucher.cip)).toEqual(['amount_mismatch']);
    expect(outcomeOf(currency.voucher.cip)).toEqual(['currency_mismatch']);
    // Settled in USD, expected in the order's soles: the headline shows US$ nobody expected and
    // soles that never came, not a USD line that matches.
    expect(lines.find((line) => line.cip === currency.voucher.cip)).toMatchObject({
      currency: 'USD',
      gross: 20000,
      expectedCurrency: 'PEN',
      expected: { gross: 20000 },
    });
    expect(settlement.expected.USD).toBeUndefined();
    expect(settlement.difference.USD).toMatchObject({ gross: 20000 });
    expect(outcomeOf(commission.voucher.cip)).toEqual(['commission_mismatch']);
    expect(outcomeOf(refunded.voucher.cip)).toEqual(['refunded_before_settlement']);
    expect(outcomeOf(missing.voucher.cip)).toEqual(['missing_notification']);
    expect(outcomeOf(omitted.voucher.cip)).toEqual([]);
    const byOutcome = (
      await api<{ items: Line[] }>(
        'GET',
        `/v1/settlements/${settlement.id}/lines?outcome=commission_mismatch`,
      )
    ).body.items;
    expect(byOutcome.map((line) => line.cip)).toEqual([commission.voucher.cip]);
    for (const line of lines.filter((l) => l.outcome !== 'matched')) {
      expect(line.anomalyId, line.outcome).toBeDefined();
      const anomalies = await api<{ items: { id: string }[] }>(
        'GET',
        `/v1/anomalies?type=${line.anomalyId?.split(':')[0]}&limit=100`,
      );
      expect(anomalies.body.items.map((a) => a.id)).toContain(line.anomalyId);
    }

    // A payment whose notification and polling both missed it is PAID from the report, once.
    const recovered = (await api<Order>('GET', `/v1/orders/${missing.id}`)).body;
    expect(recovered.status).toBe('PAID');
    expectMatchesOpenApi('Order', recovered);
    expect(recovered.payment?.source).toBe('settlement');
    expect(recovered.settlement?.id).toBe(settlement.id);

    // Balances move to available only for lines that settle a payment of ours.
    expect(await balance(`${seller}-0`)).toMatchObject({ pending: 0, available: 10800 });
    expect((await api<Order>('GET', `/v1/orders/${matched.id}`)).body.settlement).toMatchObject({
      id: settlement.id,
      settledOn: '2026-12-03',
      commission: 450,
      tax: 81,
      net: 19469,
    });
    expect(await balance(`${seller}-1`)).toMatchObject({ pending: 10800, available: 0 });
    expect(await balance(`${seller}-2`)).toMatchObject({ pending: 10800, available: 0 });
    expect(await balance(`${seller}-7`)).toMatchObject({ pending: 10800, available: 0 });
    // The refund took 3000 (60 % of 5000) less a 300 fee share from seller -5 before settlement.
    expect(await balance(`${seller}-5`)).toMatchObject({
      pending: 0,
      available: 8100,
      reservedForRefunds: 2700,
    });

    // The same file again: the first settlement, nothing changed.
    const again = await importReport(file.bytes);
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual(settlement.counts);
    expect(again.body.id).toBe(settlement.id);
    expect(await balance(`${seller}-0`)).toMatchObject({ pending: 0, available: 10800 });
    const afterAgain = (await api<Order>('GET', `/v1/orders/${missing.id}`)).body;
    expect(afterAgain.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect(afterAgain.version).toBe(recovered.version);

    // The trial balance still sums to zero with the PSP's fees booked.
    const trial = await api<{ total: number; accounts: { account: string; balance: number }[] }>(
      'GET',
      '/v1/ledger/trial-balance?currency=PEN',
    );
    expect(trial.body.total).toBe(0);

    // Finance's CSV of the same lines.
    const csv = await fetch(`${stack().apiUrl}/v1/settlements/${settlement.id}/lines`, {
      headers: { authorization: `Bearer ${stack().apiKey}`, accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toMatch(/^line,outcome,cip/);
    expect(rows).toHaveLength(10);
  });

  it('a payment notified at another amount is booked once: the report line for its operation is flagged, not applied again', async () => {
    const seller = `held-${randomUUID()}`;
    // Notified at S/ 150.00 on a S/ 200.00 order: an amount_mismatch anomaly, its cash in suspense.
    const { order, anomalyId } = await underpaidOrder(seller);
    // The report lists that same operation at the order's own amount.
    const file = await report({
      only: [order.voucher.cip],
      faults: { amount: { [order.voucher.cip]: '200.00' } },
    });
    const imported = await importReport(file.bytes);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.counts).toMatchObject({ amount_mismatch: 1, missing_notification: 0, matched: 0 });
    const [line] = (
      await api<{ items: (Line & { detail: string })[] }>('GET', `/v1/settlements/${imported.body.id}/lines`)
    ).body.items;
    expect(line).toMatchObject({ outcome: 'amount_mismatch', cip: order.voucher.cip });
    expect(line?.detail).toContain(anomalyId);
    // Not applied from the report: the order waits for a person, and no seller share moved.
    const after = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.payment).toBeUndefined();
    expect(await balance(seller)).toBeUndefined();
  });

  it('another operation of a CIP whose payment is held, by report or by notification, is held too: no 500, nothing applied (outside test 10)', async () => {
    const seller = `held-other-${randomUUID()}`;
    const { order } = await underpaidOrder(seller);
    // A report line for the CIP under another operation, at the order's own amount.
    const file = (
      await report({ only: [order.voucher.cip], faults: { amount: { [order.voucher.cip]: '200.00' } } })
    ).bytes
      .toString('utf8')
      .trim()
      .split(/\r?\n/);
    const other = String(990_000 + Math.floor(Math.random() * 9_999));
    const line = file[1]?.replace(/^(\d+);(\d+);/, (_, cip: string) => `${cip};${other};`);
    const imported = await importReport(`${file[0]}\r\n${line}\r\n`);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({
      status: 'COMPLETED',
      counts: { unknown_payment: 1, missing_notification: 0 },
    });
    // The same through the PSP's signed notification of yet another operation: acknowledged, held.
    const third = String(980_000 + Math.floor(Math.random() * 9_999));
    const notified = await postNotification(
      paidBody({
        cip: order.voucher.cip,
        operationNumber: third,
        amount: 200,
        paidAt: new Date(Date.parse(order.createdAt) + 60_000),
      }),
    );
    expect(notified.status).toBe(200);
    await anomalyListed('duplicate_payment', `duplicate_payment:${order.voucher.cip}:${third}`);
    const after = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.payment).toBeUndefined();
    expect(await balance(seller)).toBeUndefined();
  });

  it('a payment held in suspense that the report settles at the same amount books its arrival once: psp_receivable clears, the order and suspense stay', async () => {
    const seller = `susp-${randomUUID()}`;
    const { order, operationNumber, anomalyId } = await underpaidOrder(seller);
    // PagoEfectivo settles the operation at the amount it was notified at, in this report and again
    // in a later one (listed twice): the money arrived once.
    const first = await report({
      only: [order.voucher.cip],
      faults: { amount: { [order.voucher.cip]: '150.00' } },
    });
    const imported = await importReport(first.bytes);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.counts).toMatchObject({ amount_mismatch: 1, matched: 0, missing_notification: 0 });
    const [line] = (
      await api<{
        items: (Line & {
          detail: string;
          net: number;
          commission: number;
          tax: number;
          suspenseAnomalyId?: string;
        })[];
      }>('GET', `/v1/settlements/${imported.body.id}/lines`)
    ).body.items;
    expect(line).toMatchObject({ outcome: 'amount_mismatch', gross: 15000, suspenseAnomalyId: anomalyId });
    expect(line?.detail).toContain('booked as received');
    // Its arrival, booked under the anomaly: bank and fees against the receivable, suspense untouched.
    const booked = await journalEntry(`settlement:${order.voucher.cip}:${operationNumber}`);
    expect(booked).toMatchObject({ anomalyId, orderId: order.id, settlementId: imported.body.id });
    expect(linesOf(booked)).toEqual({
      bank: line?.net,
      psp_fee_expense: line?.commission,
      psp_fee_tax: line?.tax,
      psp_receivable: -15000,
    });
    const again = await report({
      only: [order.voucher.cip],
      settledOn: '2026-12-04',
      faults: { amount: { [order.voucher.cip]: '150.00' }, resettle: [order.voucher.cip] },
    });
    const second = await importReport(again.bytes);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const [secondLine] = (
      await api<{ items: (Line & { detail: string; suspenseAnomalyId?: string })[] }>(
        'GET',
        `/v1/settlements/${second.body.id}/lines`,
      )
    ).body.items;
    expect(secondLine?.suspenseAnomalyId).toBeUndefined();
    expect(secondLine?.detail).toContain('by an earlier line');
    // Still the first report's booking: the payment's entry is one.
    expect(await journalEntry(booked?.id as string)).toEqual(booked);
    // The order still waits for a person; no seller share moved.
    const after = (await api<Order>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.settlement).toBeUndefined();
    expect(await balance(seller)).toBeUndefined();
  });

  it('a second payment of a CIP whose first was settled by an earlier report is another payment, not a duplicate line: its held cash is booked as received', async () => {
    const order = await paidOrder(`second-${randomUUID()}`);
    // The buyer paid the same CIP again (another operation): a duplicate_payment anomaly, in suspense.
    const second = String(970_000 + Math.floor(Math.random() * 29_999));
    const notified = await postNotification(
      paidBody({
        cip: order.voucher.cip,
        operationNumber: second,
        amount: order.amount / 100,
        paidAt: new Date(Date.parse(order.createdAt) + 60_000),
      }),
    );
    expect(notified.status).toBe(200);
    const anomalyId = `duplicate_payment:${order.voucher.cip}:${second}`;
    await anomalyListed('duplicate_payment', anomalyId);
    // The first payment settles in one report…
    const first = await report({ only: [order.voucher.cip] });
    const firstImport = await importReport(first.bytes);
    expect(firstImport.body.counts.matched).toBe(1);
    // …the second in the next one (PagoEfectivo's line for that operation).
    const [header, line] = first.bytes.toString('utf8').trim().split(/\r?\n/);
    const secondLine = line?.replace(/^(\d+);(\d+);/, (_, cip: string) => `${cip};${second};`);
    const secondImport = await importReport(`${header}\r\n${secondLine}\r\n`);
    expect(secondImport.status, JSON.stringify(secondImport.body)).toBe(201);
    expect(secondImport.body.counts).toMatchObject({ unknown_payment: 1, duplicate_line: 0 });
    const [listed] = (
      await api<{ items: (Line & { suspenseAnomalyId?: string; net: number })[] }>(
        'GET',
        `/v1/settlements/${secondImport.body.id}/lines`,
      )
    ).body.items;
    expect(listed).toMatchObject({ outcome: 'unknown_payment', suspenseAnomalyId: anomalyId });
    const booked = await journalEntry(`settlement:${order.voucher.cip}:${second}`);
    expect(booked).toMatchObject({ anomalyId, orderId: order.id, settlementId: secondImport.body.id });
    expect(linesOf(booked)).toMatchObject({ bank: listed?.net, psp_receivable: -order.amount });
  });

  it('reads an .xlsx report and a comma-separated one alike', async () => {
    const [first, second] = [await paidOrder(`xl-${randomUUID()}`), await paidOrder(`xl-${randomUUID()}`)];
    if (!first || !second) throw new Error('orders missing');
    const xlsx = await report({ only: [first.voucher.cip], format: 'xlsx' });
    expect(xlsx.type).toBe(REPORT_MEDIA_TYPES.xlsx);
    const fromXlsx = await importReport(xlsx.bytes, REPORT_MEDIA_TYPES.xlsx, '?fileName=liquidacion.xlsx');
    expect(fromXlsx.status, JSON.stringify(fromXlsx.body)).toBe(201);
    expect(fromXlsx.body.counts.matched).toBe(1);
    const comma = await report({ only: [second.voucher.cip], delimiter: ',' });
    const fromCsv = await importReport(comma.bytes);
    expect(fromCsv.body.counts.matched).toBe(1);
  });

  it('refuses a malformed report whole, naming line and column, unless partial=true', async () => {
    const order = await paidOrder(`bad-${randomUUID()}`);
    const file = (await report({ only: [order.voucher.cip], delimiter: ';' })).bytes.toString('utf8');
    const broken = `${file}9999;abc;;PEN;10.00;0.70;0.13;9.17;01/12/2026 10:00:00;03/12/2026;Agente\r\n`;
    const refused = await importReport(broken);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      errors: [{ field: 'line 3: Nro. Operación', message: expect.stringContaining('digits') }],
    });
    expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.settlement).toBeUndefined();
    const partial = await importReport(broken, REPORT_MEDIA_TYPES.csv, '?partial=true');
    expect(partial.status).toBe(201);
    expect(partial.body.counts).toMatchObject({ matched: 1, invalid_line: 1 });
    const missingColumn = await importReport('CIP;Monto\r\n1;1.00\r\n');
    expect(missingColumn.status).toBe(400);
    expect(await importReport('not,a,report', 'application/json')).toMatchObject({ status: 415 });
  });

  it('the same report posted four times at once: no 5xx, each twin answers 201, 202 or 200, and every line settles once (decision 134)', async () => {
    const sellerId = `twins-${randomUUID()}`;
    const orders = await Promise.all([paidOrder(sellerId), paidOrder(sellerId), paidOrder(sellerId)]);
    const file = (await report({ only: orders.map((order) => order.voucher.cip) })).bytes;
    const twins = await Promise.all(Array.from({ length: 4 }, () => importReport(file)));
    for (const twin of twins) expect([200, 201, 202], JSON.stringify(twin.body)).toContain(twin.status);
    expect(new Set(twins.map((twin) => twin.body.id)).size).toBe(1);
    // A client told 202 posts the same file again until it is told 200 (bounded here).
    let last = twins.at(-1);
    for (let attempt = 0; attempt < 10 && last?.status !== 200; attempt++) last = await importReport(file);
    expect(last?.status).toBe(200);
    expect(last?.body).toMatchObject({
      status: 'COMPLETED',
      lines: 3,
      counts: { matched: 3, duplicate_line: 0 },
    });
    // Each order's sellers' money moved to available once: 3 × S/ 108.00 for this seller.
    expect(await balance(sellerId)).toMatchObject({
      currency: 'PEN',
      pending: 0,
      available: 3 * (12000 - 1200),
    });
  });

  it('a report line for a CIP the PSP says is unpaid is not applied: one person cannot pay an order with a CSV (decision 135)', async () => {
    const sellerId = `forged-${randomUUID()}`;
    const paid = await paidOrder(sellerId);
    // Same amount and sellers, never paid: the sandbox (PagoEfectivo) says its CIP is still open.
    const unpaid = (
      await api<Order>('POST', '/v1/orders', {
        body: orderRequest({
          amount: 20000,
          splits: [
            { sellerId, amount: 12000, fee: 1200 },
            { sellerId: `${sellerId}-b`, amount: 8000, fee: 800 },
          ],
        }),
      })
    ).body;
    // A real report's line, retyped for the unpaid order's CIP and id, with an invented operation.
    const [header, line] = (await report({ only: [paid.voucher.cip] })).bytes
      .toString('utf8')
      .trim()
      .split(/\r?\n/);
    const forged = line?.replace(
      /^(\d+);(\d+);([^;]*);/,
      `${unpaid.voucher.cip};${980_000 + Math.floor(Math.random() * 19_999)};${unpaid.id};`,
    );
    const imported = await importReport(`${header}\r\n${forged}\r\n`);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.counts).toMatchObject({ unknown_payment: 1, missing_notification: 0, matched: 0 });
    const [listed] = (
      await api<{ items: (Line & { detail: string })[] }>('GET', `/v1/settlements/${imported.body.id}/lines`)
    ).body.items;
    expect(listed).toMatchObject({ outcome: 'unknown_payment', orderId: unpaid.id });
    expect(listed?.detail).toMatch(/pending/);
    const after = (await api<Order>('GET', `/v1/orders/${unpaid.id}`)).body;
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.payment).toBeUndefined();
    expect((await balance(sellerId))?.available ?? 0).toBe(0);
  });

  it('binds an Idempotency-Key to its file', async () => {
    const order = await paidOrder(`idem-${randomUUID()}`);
    const file = (await report({ only: [order.voucher.cip] })).bytes;
    const key = `stl-${randomUUID()}`;
    const first = await api<Settlement>('POST', '/v1/settlements', {
      rawBody: file,
      headers: { 'content-type': 'text/csv', 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    const other = await api('POST', '/v1/settlements', {
      rawBody: Buffer.concat([file, Buffer.from('\r\n')]),
      headers: { 'content-type': 'text/csv', 'idempotency-key': key },
    });
    expect(other).toMatchObject({ status: 409, body: { code: 'idempotency_key_reused' } });
    const list = await api<{ items: { id: string }[] }>('GET', '/v1/settlements?limit=100');
    expectMatchesOpenApi('SettlementList', list.body);
    expect(list.body.items.map((s) => s.id)).toContain(first.body.id);
    expect((await api('GET', '/v1/settlements/stl_00000000000000000000000000000000')).status).toBe(404);
    expect(
      (await api('POST', '/v1/settlements/uploads', { body: { fileName: 'big.csv' } })).body,
    ).toMatchObject({
      code: 'uploads_unavailable',
    });
  });
});
