import { describe, expect, it } from 'vitest';
import { secretSchema as dlocalSecretSchema } from '#psp/dlocal/credentials';
import { secretSchema as pagoEfectivoSecretSchema } from '#psp/pagoefectivo/credentials';

// The secrets are read from Secrets Manager in AWS only (no local emulator): their shape is checked here.
describe('PSP credential secrets', () => {
  it('reads PagoEfectivo credentials, the service id as digits or a number', () => {
    const keys = { accessKey: 'ak', secretKey: 'sk' };
    expect(pagoEfectivoSecretSchema().parse({ serviceId: 2001, ...keys })).toEqual({
      serviceId: '2001',
      ...keys,
    });
    expect(pagoEfectivoSecretSchema().parse({ serviceId: '2001', ...keys }).serviceId).toBe('2001');
    expect(pagoEfectivoSecretSchema().safeParse({ serviceId: 'x1', ...keys }).success).toBe(false);
    expect(pagoEfectivoSecretSchema().safeParse({ serviceId: -1, ...keys }).success).toBe(false);
    expect(pagoEfectivoSecretSchema().safeParse({ serviceId: 1.5, ...keys }).success).toBe(false);
    expect(
      pagoEfectivoSecretSchema().safeParse({ serviceId: '2001', accessKey: 'ak', secretKey: '' }).success,
    ).toBe(false);
  });

  it('reads dLocal credentials, every field required', () => {
    const secret = { login: 'l', transKey: 't', secretKey: 's' };
    expect(dlocalSecretSchema().parse(secret)).toEqual(secret);
    expect(dlocalSecretSchema().safeParse({ ...secret, transKey: '' }).success).toBe(false);
    expect(dlocalSecretSchema().safeParse({ login: 'l', secretKey: 's' }).success).toBe(false);
  });
});
