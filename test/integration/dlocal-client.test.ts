import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PspRejectedError, PspUnavailableError } from '#platform/errors';
import { DlocalClient, type DlocalCredentials } from '#psp/dlocal/client';
import { DEFAULT_DLOCAL_SANDBOX, type Sandbox, startSandbox } from '../../local/sandbox/server';
import { startFakePsp } from '../support/fake-psp';
import { TEST_CREDENTIALS } from '../support/global-stack';

const input = (overrides: Record<string, unknown> = {}) => ({
  transactionCode: `ord_${Date.now()}_${Math.random().toString(36).slice(2)}`,
  currency: 'PEN' as const,
  amountMinor: 12345,
  expiresAt: new Date(Date.now() + 3600_000),
  userEmail: 'ana@example.pe',
  paymentConcept: 'Prueba',
  userName: 'Ana',
  userLastName: 'Núñez',
  userDocumentType: 'DNI',
  userDocumentNumber: '45678912',
  ...overrides,
});

describe('the dLocal adapter against the sandbox (contract)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      ...TEST_CREDENTIALS,
      notificationUrl: 'http://127.0.0.1:9/unused',
    });
  });
  afterAll(() => sandbox.stop());

  const client = (credentials: DlocalCredentials = DEFAULT_DLOCAL_SANDBOX) =>
    new DlocalClient({
      baseUrl: `${sandbox.url}/dlocal`,
      credentials: async () => credentials,
      now: () => new Date(),
      timeoutMs: 2000,
      notificationUrl: 'http://127.0.0.1:9/webhooks/dlocal',
    });

  it('creates a ticket (EF, DIRECT, PE): its number is the CIP, its payment id is kept', async () => {
    const created = await client().createVoucher(input());
    expect(created.cip).toMatch(/^\d+$/);
    expect(created.providerPaymentId).toMatch(/^D-4-/);
    const stored = sandbox.state.cips.get(created.cip);
    expect(stored?.amount).toBe('123.45');
    expect(stored?.dlocal?.notificationUrl).toBe('http://127.0.0.1:9/webhooks/dlocal');
  });

  it('never mints two tickets for one order: the create carries X-Idempotency-Key = the order id', async () => {
    const same = input();
    const first = await client().createVoucher(same);
    const again = await client().createVoucher(same);
    expect(again.cip).toBe(first.cip);
    expect(again.providerPaymentId).toBe(first.providerPaymentId);
  });

  it('signs every request: wrong credentials are refused by dLocal (403, code 3001), never retried into success', async () => {
    const wrong = client({ ...DEFAULT_DLOCAL_SANDBOX, secretKey: 'not-the-secret' });
    await expect(wrong.createVoucher(input())).rejects.toBeInstanceOf(PspUnavailableError);
  });

  it('maps statuses (PENDING, PAID, CANCELLED; no EXPIRED) and cancels only what is unpaid', async () => {
    const psp = client();
    const pending = await psp.createVoucher(input());
    const paid = await psp.createVoucher(input());
    await fetch(`${sandbox.url}/_sandbox/cips/${paid.cip}/pay`, { method: 'POST', body: '{"notify":false}' });
    const statuses = await psp.searchVouchers([
      pending,
      paid,
      { cip: '1', providerPaymentId: 'D-4-unknown' },
    ]);
    expect(statuses.map((status) => [status.cip, status.state])).toEqual([
      [pending.cip, 'pending'],
      [paid.cip, 'paid'],
    ]);
    // dLocal's status reply is id, status, status_detail, status_code: no amount to report.
    expect(statuses[1]?.amountMinor).toBeUndefined();
    expect(await psp.deleteVoucher(paid)).toBe('not_deletable');
    expect(await psp.deleteVoucher(pending)).toBe('deleted');
    expect((await psp.searchVouchers([pending]))[0]?.state).toBe('deleted');
    expect(await psp.changeVoucherExpiry(pending, new Date(Date.now() + 86_400_000))).toEqual({
      outcome: 'not_supported',
    });
  });

  it("refuses a payer without a document (dLocal's rule for Peru) as a rejection naming why", async () => {
    const error = await client()
      .createVoucher(input({ userDocumentNumber: undefined }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PspRejectedError);
    expect(String((error as Error).message)).toContain('document');
  });

  it('refunds a paid ticket to a bank account, once per refund id', async () => {
    const psp = client();
    const paid = await psp.createVoucher(input());
    await fetch(`${sandbox.url}/_sandbox/cips/${paid.cip}/pay`, { method: 'POST', body: '{"notify":false}' });
    const refund = {
      refundId: `rf_${Date.now()}`,
      voucher: paid,
      amountMinor: 12345,
      currency: 'PEN' as const,
      bankAccount: {
        cci: '00219300123456789013',
        holderName: 'Ana',
        documentType: 'DNI',
        documentNumber: '45678912',
      },
    };
    const first = await psp.refund(refund);
    expect(first).toMatchObject({ status: 'pending' });
    expect((await psp.refund(refund)).providerRefundId).toBe(first.providerRefundId);
    await expect(psp.refund({ ...refund, refundId: `${refund.refundId}-2` })).rejects.toBeInstanceOf(
      PspRejectedError,
    );
  });

  it('gives up on a dLocal that does not answer within its budget (no second ticket)', async () => {
    let calls = 0;
    const silent = await startFakePsp(() => {
      calls++; // never answers
    });
    try {
      const psp = new DlocalClient({
        baseUrl: silent.url,
        credentials: async () => DEFAULT_DLOCAL_SANDBOX,
        now: () => new Date(),
        timeoutMs: 300,
      });
      await expect(psp.createVoucher(input())).rejects.toBeInstanceOf(PspUnavailableError);
      expect(calls).toBe(1);
    } finally {
      await silent.stop();
    }
  });
});
