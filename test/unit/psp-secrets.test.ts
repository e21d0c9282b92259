import { describe, expect, it } from 'vitest';
import { SecretSchema as DlocalSecretSchema } from '#psp/dlocal/credentials';
import { SecretSchema as PagoEfectivoSecretSchema } from '#psp/pagoefectivo/credentials';

// The secrets are read from Secrets Manager in AWS only (no local emulator): their shape is checked here.
describe('PSP credential secrets', () => {
  it('reads PagoEfectivo credentials, the service id as digits or a number', () => {
    const keys = { accessKey: 'ak', secretKey: 'sk' };
    expect(PagoEfectivoSecretSchema.parse({ serviceId: 2001, ...keys })).toEqual({
      serviceId: '2001',
      ...keys,
    });
    expect(PagoEfectivoSecretSchema.parse({ serviceId: '2001', ...keys }).serviceId).toBe('2001');
    expect(PagoEfectivoSecretSchema.safeParse({ serviceId: 'x1', ...keys }).success).toBe(false);
    expect(PagoEfectivoSecretSchema.safeParse({ serviceId: -1, ...keys }).success).toBe(false);
    expect(PagoEfectivoSecretSchema.safeParse({ serviceId: 1.5, ...keys }).success).toBe(false);
    expect(
      PagoEfectivoSecretSchema.safeParse({ serviceId: '2001', accessKey: 'ak', secretKey: '' }).success,
    ).toBe(false);
  });

  it('reads dLocal credentials, every field required', () => {
    const secret = { login: 'l', transKey: 't', secretKey: 's' };
    expect(DlocalSecretSchema.parse(secret)).toEqual(secret);
    expect(DlocalSecretSchema.safeParse({ ...secret, transKey: '' }).success).toBe(false);
    expect(DlocalSecretSchema.safeParse({ login: 'l', secretKey: 's' }).success).toBe(false);
  });
});
