/* No DOM here: test/unit/person-access.test.ts imports it beside the API's own scopes. */

/**
 * The staff groups whose scopes decide refunds and payouts (`refunds:approve`, `payouts:approve`:
 * approve, reject, mark paid or failed) — functions/contract/people.ts GROUP_SCOPES, which the API
 * enforces; test/unit/person-access.test.ts keeps this copy in step. The console only uses it to
 * offer a person the steps the API will let them take.
 */
const DECIDERS = { refunds: ['finance', 'admin'], payouts: ['finance', 'admin'] } as const;

export const mayDecide = (person: { groups: readonly string[] }, what: keyof typeof DECIDERS) =>
  person.groups.some((group) => (DECIDERS[what] as readonly string[]).includes(group));
