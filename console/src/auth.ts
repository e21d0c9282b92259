/** What the deployment tells the console (`config.json` beside it). */
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  audience: string;
  /** The API's base URL (no trailing slash); the console lives under `<apiBase>/console/`. */
  apiBase: string;
  scope: string;
  /** A resource indicator (RFC 8707) to ask the issuer for, where it needs one for JWT access tokens. */
  resource?: string;
}

/** The signed-in person as the console shows them; the API decides what they may do. */
export interface Person {
  sub: string;
  name: string;
  email?: string;
  groups: string[];
  sellerId?: string;
}

export interface Session {
  accessToken: string;
  idToken?: string;
  /** Epoch ms after which the token is no longer sent. */
  expiresAt: number;
  person: Person;
}

const SESSION = 'console.session';

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION);
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION);
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION, JSON.stringify(session));
}

export const isSeller = (person: Person) =>
  person.sellerId !== undefined && !person.groups.some((group) => group !== 'seller');
