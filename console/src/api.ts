import { type ConsoleConfig, currentSession, forgetSession } from './auth';

/** An RFC 9457 problem as the API answers it (`errors` name the fields of a 400). */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** Thrown after the console has started sending the person back to sign in (401, or no session). */
export class SignInNeeded extends Error {}

let config: ConsoleConfig | undefined;
let onSignInNeeded: (() => void) | undefined;

export function configureApi(next: ConsoleConfig, signInNeeded: () => void): void {
  config = next;
  onSignInNeeded = signInNeeded;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Calls the API with the person's access token. A 401 (expired, revoked or forged token) forgets
 * the session and sends them back to sign in; drafts stay in sessionStorage (see `useDraft`).
 */
export async function api<T>(
  method: string,
  path: string,
  init: {
    body?: unknown;
    raw?: BodyInit;
    accept?: string;
    contentType?: string;
    /** Sent as `Idempotency-Key`: the same attempt sent again is answered, not done twice. */
    idempotencyKey?: string;
  } = {},
): Promise<T> {
  const session = currentSession();
  if (!config || !session) {
    onSignInNeeded?.();
    throw new SignInNeeded();
  }
  const headers: Record<string, string> = {
    authorization: `Bearer ${session.accessToken}`,
    accept: init.accept ?? 'application/json',
  };
  if (init.idempotencyKey !== undefined) headers['idempotency-key'] = init.idempotencyKey;
  let body: BodyInit | undefined;
  if (init.raw !== undefined) {
    body = init.raw;
    headers['content-type'] = init.contentType ?? 'application/octet-stream';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${config.apiBase}${path}`, { method, headers, body });
  if (response.status === 401) {
    forgetSession();
    onSignInNeeded?.();
    throw new SignInNeeded();
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiProblem({
      ...problem,
      status: response.status,
      code: problem.code ?? 'error',
      detail: problem.detail ?? response.statusText,
    });
  }
  if (init.accept === 'text/csv') return (await response.text()) as T;
  return (await response.json()) as T;
}

/** `?a=1&b=2` from the defined values only. */
export function query(values: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
