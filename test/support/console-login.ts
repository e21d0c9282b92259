import { createHash, randomBytes } from 'node:crypto';

/**
 * Signs a seeded person in to the local console issuer the way a browser does: the authorization
 * request with PKCE (S256), the issuer's own sign-in form posted with its cookies, the redirects
 * back to the console's callback, then the code exchanged at the token endpoint. Plain HTTP, no
 * client library, so each step of the flow is visible (the console uses oauth4webapi).
 */

export interface SignIn {
  accessToken: string;
  idToken: string;
  /** The console callback the issuer redirected to (code, state, iss). */
  callback: URL;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** The `console` client's settings as the local stack registers them. */
export interface ConsoleClient {
  issuer: string;
  apiUrl: string;
  clientId?: string;
}

/** Starts the flow; answers the sign-in form's response (the page, its cookies and its action). */
export async function openSignInForm(client: ConsoleClient) {
  const jar = new CookieJar();
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const redirectUri = `${client.apiUrl}/console/callback`;
  const authorize = new URL(`${client.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.clientId ?? 'console',
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: redirectUri,
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();
  const start = await fetch(authorize, { redirect: 'manual' });
  jar.take(start);
  const formUrl = new URL(start.headers.get('location') ?? '', client.issuer);
  const form = await fetch(formUrl, { headers: { cookie: jar.header() }, redirect: 'manual' });
  jar.take(form);
  const page = await form.text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  return { jar, verifier, state, redirectUri, start, form, page, action, formUrl };
}

/** Posts the sign-in form; answers the issuer's response to it (a redirect when the password was right). */
export async function submitSignIn(
  opened: Awaited<ReturnType<typeof openSignInForm>>,
  client: ConsoleClient,
  email: string,
  password: string,
): Promise<Response> {
  if (opened.action === undefined) throw new Error(`no sign-in form: ${opened.page.slice(0, 200)}`);
  const response = await fetch(new URL(opened.action, client.issuer), {
    method: 'POST',
    headers: { cookie: opened.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  opened.jar.take(response);
  return response;
}

/** The whole flow for one person; throws with the step that failed. */
export async function signIn(
  client: ConsoleClient,
  email: string,
  password = process.env.LOCAL_CONSOLE_PASSWORD ?? 'local-dev-password',
): Promise<SignIn> {
  const opened = await openSignInForm(client);
  let response = await submitSignIn(opened, client, email, password);
  let location = response.headers.get('location');
  // The issuer's own redirects (resume the authorization) until it sends the browser to the console.
  for (let hop = 0; hop < 5 && location !== null && !location.startsWith(opened.redirectUri); hop++) {
    response = await fetch(new URL(location, client.issuer), {
      headers: { cookie: opened.jar.header() },
      redirect: 'manual',
    });
    opened.jar.take(response);
    location = response.headers.get('location');
  }
  if (location === null || !location.startsWith(opened.redirectUri)) {
    throw new Error(
      `sign-in did not reach the callback (${response.status}): ${(await response.text()).slice(0, 300)}`,
    );
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== opened.state) throw new Error('state changed');
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error(`no code: ${location}`);
  const token = await fetch(`${client.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: client.apiUrl },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: opened.redirectUri,
      code_verifier: opened.verifier,
      client_id: client.clientId ?? 'console',
    }).toString(),
  });
  const body = (await token.json()) as { access_token?: string; id_token?: string };
  if (token.status !== 200 || !body.access_token || !body.id_token) {
    throw new Error(`token exchange failed (${token.status}): ${JSON.stringify(body)}`);
  }
  return { accessToken: body.access_token, idToken: body.id_token, callback };
}
