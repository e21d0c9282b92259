import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import { api } from '../../support/api';
import { importReport, paidSplitOrder as paidOrder, report } from '../../support/settlements';

// Serial: the test reads how the ledger's fixed accounts (bank, PSP fees, psp_receivable) moved
// around one import, and other files' payments running beside it would move them too.

interface Balance {
  balances: { currency: string; pending: number; available: number; reservedForRefunds: number }[];
}

const balance = async (sellerId: string) =>
  (await api<Balance>('GET', `/v1/sellers/${sellerId}/balance`)).body.balances[0];

describe('settlement reconciliation in two currencies', () => {
  it('imports a report with PEN and USD lines: both settle, and every account moves in its currency', async () => {
    // One transaction may touch an item once: per-currency updates of ACCOUNT#bank in one batch
    // made every two-currency import fail with 500 and stay IMPORTING (decision 72).
    const seller = `cur-${randomUUID()}`;
    const pen = await paidOrder(seller);
    const usd = await paidOrder(`${seller}-usd`, true, 'USD');
    expect(usd.currency).toBe('USD');
    const accounts = async (currency: string) => {
      const trial = await api<{ total: number; accounts: { account: string; balance: number }[] }>(
        'GET',
        `/v1/ledger/trial-balance?currency=${currency}`,
      );
      expect(trial.body.total, currency).toBe(0);
      return Object.fromEntries(trial.body.accounts.map((line) => [line.account, line.balance]));
    };
    const before = { PEN: await accounts('PEN'), USD: await accounts('USD') };
    const file = await report({ only: [pen.voucher.cip, usd.voucher.cip] });
    const imported = await importReport(file.bytes);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ status: 'COMPLETED', lines: 2 });
    expect(imported.body.counts.matched).toBe(2);
    for (const [currency, order] of [
      ['PEN', pen],
      ['USD', usd],
    ] as const) {
      const totals = imported.body.totals[currency];
      expect(totals?.gross, currency).toBe(order.amount);
      const after = await accounts(currency);
      const moved = (account: string) => (after[account] ?? 0) - (before[currency][account] ?? 0);
      expect(moved('bank'), currency).toBe(totals?.net);
      expect(moved('psp_fee_expense'), currency).toBe(totals?.commission);
      expect(moved('psp_fee_tax'), currency).toBe(totals?.tax);
      expect(moved('psp_receivable'), currency).toBe(-order.amount);
      expect((await api<Order>('GET', `/v1/orders/${order.id}`)).body.settlement?.id).toBe(imported.body.id);
    }
    const usdBalance = (await api<Balance>('GET', `/v1/sellers/${seller}-usd/balance`)).body.balances;
    expect(usdBalance.find((line) => line.currency === 'USD')).toMatchObject({
      pending: 0,
      available: 10800,
    });
    expect(await balance(seller)).toMatchObject({ currency: 'PEN', pending: 0, available: 10800 });
  });
});
