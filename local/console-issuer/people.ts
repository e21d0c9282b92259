import type { ConsoleGroup } from '#contract/people';

/** A person the local issuer signs in (README "Sign in to the console locally"). */
export interface LocalPerson {
  /** Stable subject (`sub`): the e-mail changes nothing about who acted in the audit chain. */
  sub: string;
  email: string;
  name: string;
  groups: ConsoleGroup[];
  sellerId?: string;
}

/** The seeded people of issue 31; every one signs in with the same local password. */
export const LOCAL_PEOPLE: readonly LocalPerson[] = [
  { sub: 'local-finanzas', email: 'finanzas@local.test', name: 'Fiorella Finanzas', groups: ['finance'] },
  { sub: 'local-finanzas2', email: 'finanzas2@local.test', name: 'Fernando Finanzas', groups: ['finance'] },
  { sub: 'local-soporte', email: 'soporte@local.test', name: 'Sofía Soporte', groups: ['support'] },
  { sub: 'local-admin', email: 'admin@local.test', name: 'Adela Administradora', groups: ['admin'] },
  {
    sub: 'local-vendedor',
    email: 'vendedor@local.test',
    name: 'Víctor Vendedor',
    groups: ['seller'],
    sellerId: 'seller-a',
  },
];

export const DEFAULT_CONSOLE_PASSWORD = 'local-dev-password';
