import { type Scope, SELLER_KEY_SCOPES } from './routes';

/**
 * People who sign in to the console (issue 31, decision 108): their groups, and what each group may
 * do as the API's existing scopes (lib/topology.ts SCOPES). One permission model: a person's access
 * token is mapped onto the same scopes and seller scoping an API key carries, by the authorizer
 * (functions/platform/person-token.ts). Plain data: the Cognito user pool (lib/constructs/) creates
 * these groups, the local issuer (local/console-issuer/) seeds people into them.
 */
export const CONSOLE_GROUPS = ['finance', 'support', 'admin', 'seller'] as const;
export type ConsoleGroup = (typeof CONSOLE_GROUPS)[number];

/**
 * Scopes per group; a person in several groups holds the union. `seller` is not here: a seller's
 * token gets SELLER_KEY_SCOPES bound to its `seller_id`, and nothing else whatever other groups it
 * is in (least privilege: a seller-bound caller never reaches platform-wide data).
 */
export const GROUP_SCOPES: Record<Exclude<ConsoleGroup, 'seller'>, readonly Scope[]> = {
  // Money decisions: refunds and payouts (request and approve, maker-checker between people),
  // settlement reports, anomalies; reads what those decisions stand on.
  finance: [
    'orders:read',
    'ledger:read',
    'events:read',
    'refunds:write',
    'refunds:approve',
    'payouts:write',
    'payouts:approve',
    'settlements:write',
    'anomalies:write',
  ],
  // Answers buyers and sellers: finds orders, acts on them (cancel, extend, risk review), requests
  // refunds (finance approves), redelivers webhooks — but never creates, re-points, rotates or
  // deletes the marketplace's endpoints (`webhooks:manage`): whoever holds that can redirect every
  // `order.paid` and read each event's buyer data at a URL of their own (decision 131).
  support: ['orders:read', 'orders:write', 'ledger:read', 'events:read', 'refunds:write', 'events:redeliver'],
  admin: ['admin'],
};

/** The claims the console's access token carries for the API (local issuer and Cognito alike). */
export const PERSON_CLAIMS = { groups: 'groups', sellerId: 'seller_id' } as const;

/** A seller id as API keys take it (scripts/api-keys.ts, local/start.ts). */
export const SELLER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** What a person with these groups (and seller id) may do: the scopes and the seller they are bound to. */
export function personAccess(
  groups: readonly string[],
  sellerId: string | undefined,
): { scopes: Scope[]; sellerId?: string } {
  if (groups.includes('seller')) {
    // A seller without a valid seller id is bound to nothing: no scopes at all (403 on every route).
    return sellerId !== undefined && SELLER_ID_PATTERN.test(sellerId)
      ? { scopes: [...SELLER_KEY_SCOPES], sellerId }
      : { scopes: [] };
  }
  const scopes = new Set<Scope>();
  for (const group of groups) {
    if (Object.hasOwn(GROUP_SCOPES, group)) {
      for (const scope of GROUP_SCOPES[group as keyof typeof GROUP_SCOPES]) scopes.add(scope);
    }
  }
  return { scopes: [...scopes] };
}
