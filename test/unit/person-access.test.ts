import { describe, expect, it } from 'vitest';
import { GROUP_SCOPES, personAccess } from '#contract/people';
import { grants, ROUTES } from '#contract/routes';
import { SCOPES } from '#lib/topology';
import { looksLikeJwt, PersonTokenRejected, personOf } from '#platform/person-token';
import { mayDecide } from '../../console/src/permissions';

describe('a person’s groups as API scopes (decision 108)', () => {
  it('maps each staff group onto existing scopes, the union for several groups', () => {
    for (const scopes of Object.values(GROUP_SCOPES)) {
      for (const scope of scopes) expect(SCOPES).toContain(scope);
    }
    expect(personAccess(['support'], undefined).scopes).not.toContain('refunds:approve');
    expect(personAccess(['finance'], undefined).scopes).toContain('refunds:approve');
    const both = personAccess(['support', 'finance'], undefined).scopes;
    expect(both).toEqual(expect.arrayContaining(['refunds:approve', 'events:redeliver', 'orders:write']));
    expect(new Set(both).size).toBe(both.length);
    expect(personAccess(['admin'], undefined)).toEqual({ scopes: ['admin'] });
  });

  it("lets support redeliver webhooks but never manage the marketplace's endpoints (decision 131)", () => {
    const support = personAccess(['support'], undefined).scopes;
    expect(grants(support, 'events:redeliver')).toBe(true);
    expect(grants(support, 'webhooks:manage')).toBe(false);
    for (const route of ROUTES.filter((candidate) => candidate.path.startsWith('/v1/webhook-endpoints')))
      expect(grants(support, route.scope), `${route.method} ${route.path}`).toBe(false);
    // A key issued with webhooks:manage before events:redeliver existed still redelivers.
    expect(grants(['webhooks:manage'], 'events:redeliver')).toBe(true);
    expect(grants(['events:redeliver'], 'webhooks:manage')).toBe(false);
  });

  it("offers in the console exactly the refund and payout decisions each group's scopes allow", () => {
    for (const group of ['finance', 'support', 'admin', 'seller']) {
      const person = {
        sub: 's',
        name: 'n',
        groups: [group],
        ...(group === 'seller' ? { sellerId: 'seller-a' } : {}),
      };
      const { scopes } = personAccess(person.groups, person.sellerId);
      expect(mayDecide(person, 'refunds'), group).toBe(grants(scopes, 'refunds:approve'));
      expect(mayDecide(person, 'payouts'), group).toBe(grants(scopes, 'payouts:approve'));
    }
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
