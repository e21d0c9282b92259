import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '#lib/topology';
import type { Order } from '#model/order';
import { issueApiKey } from '../../scripts/api-keys';
import { api, eventually, http, orderRequest, sandbox, stack } from '../support/api';

/** Seller-bound keys: their own seller's data, through every route, cursor and filter — nothing else. */
describe("a seller's API key", () => {
  it('sees its own orders and balance, gets 404 for other sellers and 403 on every other route', async () => {
    const [mine, theirs] = [`own-${randomUUID()}`, `other-${randomUUID()}`];
    const create = async (sellerId: string) =>
      (
        await api<Order>('POST', '/v1/orders', {
          body: orderRequest({ amount: 10000, splits: [{ sellerId, amount: 10000, fee: 1000 }] }),
        })
      ).body;
    const [own, foreign] = [await create(mine), await create(theirs)];
    await sandbox('POST', `/_sandbox/cips/${own.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${own.id}`)).body.status === 'PAID' ? true : undefined,
    );

    const { apiKey, record } = await issueApiKey('seller portal', { sellerId: mine });
    expect(record).toMatchObject({ sellerId: mine, scopes: ['orders:read', 'ledger:read'] });
    await expect(issueApiKey('greedy seller', { sellerId: mine, scopes: ['orders:write'] })).rejects.toThrow(
      /only orders:read, ledger:read/,
    );
    const as = (method: string, path: string) =>
      http<Record<string, unknown>>(method, `${stack().apiUrl}${path}`, {
        headers: { authorization: `Bearer ${apiKey}` },
        ...(method === 'GET' ? {} : { body: {} }),
      });

    // Own data.
    expect((await as('GET', `/v1/orders/${own.id}`)).status).toBe(200);
    expect((await as('GET', `/v1/vouchers/${own.voucher.cip}`)).status).toBe(200);
    expect((await as('GET', `/v1/sellers/${mine}/balance`)).body).toMatchObject({ sellerId: mine });
    expect((await as('GET', `/v1/sellers/${mine}/ledger`)).status).toBe(200);
    // Listings are its own, whatever filter it passes.
    for (const query of [
      '',
      `?sellerId=${theirs}`,
      `?reference=${foreign.reference}`,
      '?status=PENDING_PAYMENT',
    ]) {
      const listed = (await as('GET', `/v1/orders${query}`)).body as { items: Order[] };
      expect(
        listed.items.every((order) => order.splits.some((split) => split.sellerId === mine)),
        query,
      ).toBe(true);
      expect(
        listed.items.some((order) => order.id === foreign.id),
        query,
      ).toBe(false);
    }
    expect(((await as('GET', `/v1/payouts?sellerId=${theirs}`)).body as { items: unknown[] }).items).toEqual(
      [],
    );

    // Someone else's: the same 404 as a wrong id (existence does not leak).
    for (const path of [
      `/v1/orders/${foreign.id}`,
      `/v1/vouchers/${foreign.voucher.cip}`,
      `/v1/sellers/${theirs}/balance`,
      `/v1/sellers/${theirs}/ledger`,
      `/v1/sellers/${theirs}/bank-account`,
    ]) {
      expect((await as('GET', path)).status, path).toBe(404);
    }

    // Every route not opened to seller keys: 403, never data.
    for (const route of ROUTES.filter((candidate) => candidate.auth === 'apiKey' && !candidate.sellerKeys)) {
      const answer = await as(route.method, route.path.replace(/\{[^}]+\}/g, 'x'));
      const label = `${route.method} ${route.path}`;
      expect(answer.status, label).toBe(403);
      expect((answer.body as { code: string }).code, label).toMatch(
        /^(insufficient_scope|seller_key_not_allowed)$/,
      );
    }
  });
});
