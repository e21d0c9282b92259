import { describe, expect, it } from 'vitest';
import { api, orderRequest, sandbox } from '../support/api';

type Problem = { status: number; code: string; detail: string };

/** Faults are injected in the sandbox for one buyer e-mail, so other tests running meanwhile are unaffected. */
function buyerWith(email: string) {
  const request = orderRequest();
  return { ...request, buyer: { ...request.buyer, email } };
}
const uniqueEmail = () => `fault-${crypto.randomUUID()}@example.pe`;

describe('when PagoEfectivo refuses or fails', () => {
  it('422 carries the PSP reason, and nothing is stored', async () => {
    const email = uniqueEmail();
    await sandbox('POST', '/_sandbox/faults', { userEmail: email, createCip: ['reject'] });
    const body = buyerWith(email);
    const response = await api<Problem>('POST', '/v1/orders', { body });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('psp_rejected');
    expect(response.body.detail).toContain('currency');
    // Nothing was kept: the same reference still works.
    expect((await api('POST', '/v1/orders', { body })).status).toBe(201);
  });

  it('502 when the PSP answers with a server error, without internals', async () => {
    const email = uniqueEmail();
    await sandbox('POST', '/_sandbox/faults', { userEmail: email, createCip: ['error'] });
    const response = await api<Problem>('POST', '/v1/orders', { body: buyerWith(email) });
    expect(response.status).toBe(502);
    expect(response.body.code).toBe('psp_unavailable');
    expect(JSON.stringify(response.body)).not.toMatch(/html|stack|Error:/i);
  });

  it('503 when the PSP does not answer in time; a retry with the same key then succeeds', async () => {
    const email = uniqueEmail();
    await sandbox('POST', '/_sandbox/faults', { userEmail: email, createCip: ['timeout'] });
    const body = buyerWith(email);
    const headers = { 'idempotency-key': `idem-${crypto.randomUUID()}` };
    const response = await api<Problem>('POST', '/v1/orders', { body, headers });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('psp_unavailable');
    const retry = await api('POST', '/v1/orders', { body, headers });
    expect(retry.status).toBe(201);
  });
});
