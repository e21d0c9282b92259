import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '#contract/service';
import { resetConfigForTests } from '#platform/config';
import {
  dlocalAuthorization,
  dlocalSignature,
  isValidDlocalSignature,
  signatureFromHeaders,
} from '#psp/dlocal/dlocal-signature';
import { parseDlocalNotification } from '#psp/dlocal/notification';
import { pspProvider } from '#psp/index';
import { refundingPspProvider } from '#psp/refunding';

const credentials = { login: 'merchant-login', secretKey: 's3cr3t' };
const body = Buffer.from('{"id":"D-4-1","status":"PAID"}');
const date = '2026-11-27T15:00:00.000Z';

describe('dLocal signatures', () => {
  it('is hex HMAC-SHA256(secretKey, X-Login + X-Date + body), in either header form dLocal documents', () => {
    const signature = dlocalSignature(credentials.secretKey, credentials.login, date, body);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const headers = {
      login: credentials.login,
      date,
      authorization: dlocalAuthorization(signature),
      signature: undefined,
    };
    expect(isValidDlocalSignature(credentials, headers, body)).toBe(true);
    expect(
      isValidDlocalSignature(credentials, { ...headers, authorization: undefined, signature }, body),
    ).toBe(true);
    expect(signatureFromHeaders(`v2-hmac-sha256,Signature:${signature.toUpperCase()}`, undefined)).toBe(
      signature,
    );
  });

  it('refuses a changed body, date or login, a missing date, and garbage', () => {
    const signature = dlocalSignature(credentials.secretKey, credentials.login, date, body);
    const headers = {
      login: credentials.login,
      date,
      authorization: dlocalAuthorization(signature),
      signature: undefined,
    };
    expect(isValidDlocalSignature(credentials, headers, Buffer.from(`${body} `))).toBe(false);
    expect(isValidDlocalSignature(credentials, { ...headers, date: '2026-11-27T15:00:01.000Z' }, body)).toBe(
      false,
    );
    expect(isValidDlocalSignature(credentials, { ...headers, login: 'someone-else' }, body)).toBe(false);
    expect(isValidDlocalSignature(credentials, { ...headers, date: undefined }, body)).toBe(false);
    expect(isValidDlocalSignature(credentials, { ...headers, authorization: 'Bearer x' }, body)).toBe(false);
  });
});

describe('dLocal notifications', () => {
  const paid = {
    id: 'D-4-be8e',
    amount: 150.5,
    status: 'PAID',
    currency: 'PEN',
    payment_method_id: 'EF',
    order_id: 'ord_1',
    approved_date: '2026-11-27T15:00:00.000Z',
    ticket: { number: '0002500001' },
  };
  const parse = (value: unknown) => parseDlocalNotification(Buffer.from(JSON.stringify(value)));

  it('reads a PAID ticket: its number is the CIP, its payment id the operation number', () => {
    expect(parse(paid)).toEqual({
      kind: 'paid',
      payment: {
        cip: '2500001',
        providerPaymentId: 'D-4-be8e',
        operationNumber: 'D-4-be8e',
        amountMinor: 15050,
        currency: 'PEN',
        paidAt: new Date('2026-11-27T15:00:00.000Z'),
        paidAtSource: 'provider',
        transactionCode: 'ord_1',
      },
    });
  });

  it('leaves PENDING/CANCELLED/REJECTED to our own expirer, flags unknown statuses, and never throws', () => {
    expect(parse({ ...paid, status: 'CANCELLED' })).toEqual({
      kind: 'informational',
      eventType: 'dlocal.payment.cancelled',
    });
    expect(parse({ ...paid, status: 'WEIRD' })).toEqual({
      kind: 'unknown_event_type',
      eventType: 'dlocal.payment.weird',
    });
    // dLocal's documented notifications carry no ticket: matched by id and order_id instead.
    expect(parse({ ...paid, ticket: undefined })).toMatchObject({
      kind: 'paid',
      payment: { cip: undefined, providerPaymentId: 'D-4-be8e', transactionCode: 'ord_1' },
    });
    expect(parseDlocalNotification(Buffer.from('not json')).kind).toBe('unparsable');
    expect(parse({ ...paid, amount: 'lots' }).kind).toBe('unparsable');
  });

  it('reads a refund object', () => {
    expect(
      parse({ id: 'REF-1', payment_id: 'D-4-be8e', status: 'SUCCESS', amount: 150.5, currency: 'PEN' }),
    ).toEqual({
      kind: 'refund',
      providerRefundId: 'REF-1',
      status: 'succeeded',
    });
  });
});

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the provider boundary', () => {
  it('keeps every adapter out of the domain: only handlers and psp/ itself import psp/pagoefectivo or psp/dlocal', () => {
    const offenders = sources('functions')
      .filter(
        (file) =>
          !file.startsWith(join('functions', 'psp')) && !file.startsWith(join('functions', 'handlers')),
      )
      .filter((file) => /from '[^']*psp\/(pagoefectivo|dlocal)[^']*'/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('which providers pay refunds themselves', () => {
  it('is what each adapter can do (the refunds function creates no client for the others)', () => {
    const saved = { PSP_PROVIDER: process.env.PSP_PROVIDER, AWS_REGION: process.env.AWS_REGION };
    process.env.AWS_REGION ??= 'us-east-1';
    try {
      for (const name of PROVIDERS) {
        process.env.PSP_PROVIDER = name;
        resetConfigForTests();
        expect({ name, paysRefunds: refundingPspProvider() !== undefined }).toEqual({
          name,
          paysRefunds: typeof pspProvider(name).refund === 'function',
        });
      }
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      resetConfigForTests();
    }
  });
});
