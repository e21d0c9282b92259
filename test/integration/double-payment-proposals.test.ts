import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journalEntryEntity } from '#contract/entities/journal-entry';
import type { Anomaly } from '#model/anomaly';
import type { Order } from '#model/order';
import type { PaymentOption } from '#model/payment-options';
import type { Refund } from '#model/refund';
import { applyPayment } from '#payments/apply-payment';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { ConflictError } from '#platform/errors';
import type { WalletProvider } from '#psp/wallet-provider';
import { walletProvider } from '#psp/wallets';
import { startWalletRefund } from '#refunds/provider-refunds';
import { moveRefund } from '#refunds/refunds';
import { getRefund, recordProviderRefund, type StoredRefund } from '#store/refunds-repository';
import { api, eventually, orderRequest, sandbox, stackNow } from '../support/api';

type OrderView = Omit<Order, 'paymentOptions'> & { paymentOptions: PaymentOption[] };

const entryExists = async (entryId: string) =>
  (
    await dynamo().send(
      new GetCommand({ TableName: tableName(), Key: journalEntryEntity.key(entryId), ConsistentRead: true }),
    )
  ).Item !== undefined;

/** A local order (cash + wallet) paid by its wallet: PAID, its CIP closed. */
async function walletPaidOrder(): Promise<OrderView> {
  const base = orderRequest();
  const order = (
    await api<OrderView>('POST', '/v1/orders', {
      body: {
        ...base,
        amount: 8_000,
        paymentMethods: ['cash', 'wallet'],
        splits: [{ sellerId: 'seller-dp', amount: 8_000, fee: 800 }],
      },
    })
  ).body;
  const walletId = order.paymentOptions.find((option) => option.method === 'wallet')?.id;
  await sandbox('POST', `/_sandbox/wallets/${walletId}/pay`, { notify: true });
  return eventually(async () => {
    const { body } = await api<OrderView>('GET', `/v1/orders/${order.id}`);
    return body.status === 'PAID' ? body : undefined;
  });
}

describe('a double payment seen many ways is one anomaly with one refund proposal (decision 114)', () => {
  it('found by polling, then notified three times at once: one anomaly, one suspense entry, one proposal', async () => {
    const order = await walletPaidOrder();
    const paidAt = await stackNow();
    const cip = order.voucher.cip;
    // sync-pending's view of the CIP first (no operation number), then its notification, duplicated.
    const polled = await applyPayment(
      { cip, operationNumber: null, amountMinor: 8_000, currency: 'PEN', paidAt },
      'poll',
    );
    expect(polled).toMatchObject({ result: 'anomaly', type: 'double_payment' });
    const notified = await Promise.all(
      Array.from({ length: 3 }, () =>
        applyPayment(
          {
            cip,
            operationNumber: '6100200',
            amountMinor: 8_000,
            currency: 'PEN',
            paidAt,
            transactionCode: order.id,
          },
          'webhook',
        ),
      ),
    );
    expect(notified.map((outcome) => outcome.result)).toEqual(['anomaly', 'anomaly', 'anomaly']);

    const ofOrder = (
      await api<{ items: Anomaly[] }>('GET', '/v1/anomalies?type=double_payment&limit=100')
    ).body.items.filter((anomaly) => anomaly.orderId === order.id);
    expect(ofOrder).toHaveLength(1);
    const refunds = (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body.items;
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      id: ofOrder[0]?.refundId,
      status: 'REQUESTED',
      amount: 8_000,
      anomalyId: ofOrder[0]?.id,
      requestedBy: { principal: 'system:double-payment' },
    });
    // Its cash went to suspense once, under the option's key, whichever sighting came first.
    expect(await entryExists(`unmatched_payment:${cip}:double`)).toBe(true);
    expect(await entryExists(`unmatched_payment:${cip}:polled`)).toBe(false);
    expect(await entryExists(`unmatched_payment:${cip}:6100200`)).toBe(false);
    const after = (await api<OrderView>('GET', `/v1/orders/${order.id}`)).body;
    expect(after.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
    expect((await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN')).body.total).toBe(0);
  });

  it('a refund Culqi created but the approval died before marking it: approving again marks it paid, without a second refund at Culqi', async () => {
    const order = await walletPaidOrder();
    const paidAt = await stackNow();
    await applyPayment(
      { cip: order.voucher.cip, operationNumber: '6100300', amountMinor: 8_000, currency: 'PEN', paidAt },
      'webhook',
    );
    const [proposal] = (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body.items;
    // What a dead approval leaves: APPROVED, Culqi's refund id recorded, not marked.
    await moveRefund(proposal?.id ?? '', 'approve', {
      keyId: 'key_finance',
      keyName: 'finance',
      principal: 'finance:eva',
    });
    await recordProviderRefund(proposal?.id ?? '', 'culqi', 'ref_test_recorded');
    const approved = await api<Refund>('POST', `/v1/refunds/${proposal?.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('PAID_OUT');
    expect(approved.body.history.at(-1)).toMatchObject({
      by: { keyId: 'provider:culqi' },
      transferReference: 'ref_test_recorded',
    });
    const walletId = order.paymentOptions.find((option) => option.method === 'wallet')?.id;
    const atCulqi = await sandbox<{ refunds: unknown[] }>('GET', `/_sandbox/wallets/${walletId}`);
    expect(atCulqi.body.refunds).toEqual([]);
    expect((await api<{ total: number }>('GET', '/v1/ledger/trial-balance?currency=PEN')).body.total).toBe(0);
  });

  it('a person marking the refund failed while Culqi is paying it is refused: it ends PAID_OUT once, never FAILED and paid (outside test 9, decision 134)', async () => {
    const { refundId, walletId } = await approvedProposal();
    const culqi = slowRefunds();
    const sending = startWalletRefund((await getRefund(refundId)) as StoredRefund, culqi.wallet);
    // The call is on its way to Culqi when finance, seeing APPROVED, marks it failed.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const markFailed = moveRefund(refundId, 'mark-failed', person('key_finance_b', 'finance:rosa'), {
      reason: 'no answer from Culqi',
    });
    await expect(markFailed).rejects.toBeInstanceOf(ConflictError);
    await expect(markFailed).rejects.toMatchObject({ code: 'provider_refund_unresolved' });
    expect((await sending).status).toBe('PAID_OUT');
    expect(culqi.calls()).toBe(1);
    const atCulqi = await sandbox<{ refunds: unknown[] }>('GET', `/_sandbox/wallets/${walletId}`);
    expect(atCulqi.body.refunds).toHaveLength(1);
  });

  it('a refund marked failed before it was sent is not sent: Culqi is never asked', async () => {
    const { refundId, walletId } = await approvedProposal();
    const culqi = slowRefunds();
    const approved = (await getRefund(refundId)) as StoredRefund;
    await moveRefund(refundId, 'mark-failed', person('key_finance_b', 'finance:rosa'), {
      reason: 'by transfer',
    });
    expect((await startWalletRefund(approved, culqi.wallet)).status).toBe('FAILED');
    expect(culqi.calls()).toBe(0);
    const atCulqi = await sandbox<{ refunds: unknown[] }>('GET', `/_sandbox/wallets/${walletId}`);
    expect(atCulqi.body.refunds).toEqual([]);
  });
});

const person = (keyId: string, principal: string) => ({ keyId, keyName: keyId, principal });

/** The stage's real Culqi client (the sandbox over HTTP), each refund call held back 300 ms. */
function slowRefunds(): { wallet: WalletProvider; calls: () => number } {
  const real = walletProvider('culqi');
  if (real === undefined) throw new Error('no Culqi client in this stack');
  let calls = 0;
  const wallet = Object.create(real) as WalletProvider;
  wallet.refundWalletPayment = async (input) => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return real.refundWalletPayment(input);
  };
  return { wallet, calls: () => calls };
}

/** A double payment's refund proposal, approved by a person (not yet sent to Culqi). */
async function approvedProposal(): Promise<{ refundId: string; walletId: string }> {
  const order = await walletPaidOrder();
  await applyPayment(
    {
      cip: order.voucher.cip,
      operationNumber: String(6_200_000 + Math.floor(Math.random() * 99_999)),
      amountMinor: 8_000,
      currency: 'PEN',
      paidAt: await stackNow(),
    },
    'webhook',
  );
  const [proposal] = (await api<{ items: Refund[] }>('GET', `/v1/refunds?orderId=${order.id}`)).body.items;
  const refundId = proposal?.id ?? '';
  await moveRefund(refundId, 'approve', person('key_finance', 'finance:eva'));
  return { refundId, walletId: order.paymentOptions.find((option) => option.method === 'wallet')?.id ?? '' };
}
