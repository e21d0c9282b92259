import { describe, expect, it } from 'vitest';
import { GROUP_SCOPES, personAccess } from '#contract/people';
import { SCOPES } from '#lib/topology';
import { looksLikeJwt, PersonTokenRejected, personOf } from '#platform/person-token';

describe('a person’s groups as API scopes (decision 108)', () => {
  it('maps each staff group onto existing scopes, the union for several groups', () => {
    for (const scopes of Object.values(GROUP_SCOPES)) {
      for (const scope of scopes) expect(SCOPES).toContain(scope);
    }
    expect(personAccess(['support'], undefined).scopes).not.toContain('refunds:approve');
    expect(personAccess(['finance'], undefined).scopes).toContain('refunds:approve');
    const both = personAccess(['support', 'finance'], undefined).scopes;
    expect(both).toEqual(expect.arrayContaining(['refunds:approve', 'webhooks:manage', 'orders:write']));
    expect(new Set(both).size).toBe(both.length);
    expect(personAccess(['admin'], undefined)).toEqual({ scopes: ['admin'] });
  });

  it('gives nothing to unknown groups or none', () => {
    expect(personAccess([], undefined)).toEqual({ scopes: [] });
    expect(personAccess(['hasOwnProperty', 'constructor', 'root'], undefined)).toEqual({ scopes: [] });
  });

  it('binds a seller to their seller id with the seller scopes only, whatever other groups they have', () => {
    expect(personAccess(['seller', 'admin'], 'seller-a')).toEqual({
      scopes: ['orders:read', 'ledger:read'],
      sellerId: 'seller-a',
    });
    // A seller without a (valid) seller id is bound to nothing, never to everything.
    expect(personAccess(['seller'], undefined)).toEqual({ scopes: [] });
    expect(personAccess(['seller', 'finance'], 'bad id/..')).toEqual({ scopes: [] });
  });
});

describe('personOf', () => {
  it('names the person by e-mail (lower-cased) for maker-checker, by subject without one', () => {
    expect(
      personOf({ sub: 's1', email: 'Finanzas@Local.TEST', name: 'F', groups: ['finance'] }),
    ).toMatchObject({
      subject: 's1',
      principal: 'finanzas@local.test',
      name: 'F',
    });
    expect(personOf({ sub: 's2', 'cognito:groups': ['admin'] })).toMatchObject({
      principal: 'person:s2',
      name: 's2',
      scopes: ['admin'],
    });
    expect(() => personOf({ email: 'x@y.z' })).toThrow(PersonTokenRejected);
  });

  it('tells a JWT from an API key', () => {
    expect(looksLikeJwt('pek_abcdefghijklmnopqrstuvwxyz0123456789')).toBe(false);
    expect(looksLikeJwt('test-api-key-0123456789abcdef')).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0x.c2lnbmF0dXJlc2ln')).toBe(true);
  });
});
