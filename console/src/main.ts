import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi } from './api';
import { type ConsoleConfig, currentSession, isSeller, type Person } from './auth';
import { currentLocale, LOCALES, type Locale, type MessageKey, setLocale, t } from './i18n';
import { Home } from './screens/home';
import { OrderPage, Orders } from './screens/orders';
import { Anomalies, Payouts, Refunds, RiskReviews } from './screens/queues';
import { SellerPage, Sellers } from './screens/sellers';
import { SettlementPage, Settlements } from './screens/settlements';
import { href, html, useRoute } from './ui';

const EXPIRED_FLAG = 'console.expired';

const STAFF_NAV: [string, MessageKey][] = [
  ['', 'navHome'],
  ['pedidos', 'navOrders'],
  ['anomalias', 'navAnomalies'],
  ['reembolsos', 'navRefunds'],
  ['liquidaciones', 'navSettlements'],
  ['pagos', 'navPayouts'],
  ['riesgo', 'navRisk'],
  ['vendedores', 'navSellers'],
];

/** The screen for a route; a seller only ever gets their own seller page. */
function Screen(props: { route: string[]; person: Person }) {
  const [section, id, extra] = props.route;
  const { person } = props;
  if (isSeller(person)) {
    if (section !== 'vendedores' || !id) {
      // Nothing else is there for a seller: their own page, under its own address.
      history.replaceState(null, '', href('vendedores', person.sellerId ?? ''));
      return html`<${SellerPage} sellerId=${person.sellerId ?? ''} />`;
    }
    return html`<${SellerPage} sellerId=${id} />`;
  }
  switch (section) {
    case undefined:
      return html`<${Home} />`;
    case 'pedidos':
      return id ? html`<${OrderPage} id=${id} />` : html`<${Orders} />`;
    case 'anomalias':
      return html`<${Anomalies} view=${id} />`;
    case 'reembolsos':
      return html`<${Refunds} person=${person} id=${id} />`;
    case 'liquidaciones':
      return id ? html`<${SettlementPage} id=${id} outcome=${extra} />` : html`<${Settlements} />`;
    case 'pagos':
      return html`<${Payouts} person=${person} />`;
    case 'riesgo':
      return html`<${RiskReviews} />`;
    case 'vendedores':
      return id ? html`<${SellerPage} sellerId=${id} />` : html`<${Sellers} />`;
    default:
      return html`<section class="notice" role="alert"><h1>${t('notFound')}</h1><p>${t('notFoundLead')}</p></section>`;
  }
}

function LanguagePicker(props: { onChange: () => void }) {
  return html`<div class="language">
    <label for="language">${t('language')}</label>
    <select id="language" value=${currentLocale()} onChange=${(event: Event) => {
      setLocale((event.target as HTMLSelectElement).value as Locale);
      props.onChange();
    }}>
      ${LOCALES.map((locale) => html`<option value=${locale}>${locale === 'es-PE' ? 'Español (Perú)' : 'English'}</option>`)}
    </select>
  </div>`;
}

function App(props: { config: ConsoleConfig }) {
  const route = useRoute();
  const [, setLanguageVersion] = useState(0);
  const session = currentSession();
  const rerender = () => setLanguageVersion((n) => n + 1);
  useEffect(() => {
    // The shell (menu, search, language) answers clicks from here on; the bench times it.
    if (session) performance.mark('console:shell-ready');
  }, [session]);
  if (!session) return html`<${SignInScreen} config=${props.config} onLanguage=${rerender} />`;
  const { person } = session;
  const nav = isSeller(person)
    ? [[`vendedores/${person.sellerId}`, 'navMyAccount'] as [string, MessageKey]]
    : STAFF_NAV;
  const active = route.join('/');
  return html`<a class="skip" href="#main" onClick=${skipToMain}>${t('skip')}</a>
    <header class="top">
      <p class="brand">${t('appName')}</p>
      <nav aria-label=${t('menu')}>
        <ul>${nav.map(([path, key]) => {
          const current = path === '' ? active === '' : active === path || active.startsWith(`${path}/`);
          return html`<li><a class="nav-link" href=${`#/${path}`} aria-current=${current ? 'page' : undefined}>${t(key)}</a></li>`;
        })}</ul>
      </nav>
      <div class="who">
        <span data-person>${person.name}</span>
        <${LanguagePicker} onChange=${rerender} />
        <button type="button" class="secondary" onClick=${() => oidc().then((m) => m.signOut(props.config))}>
          ${t('signOut')}
        </button>
      </div>
    </header>
    <main id="main" tabindex="-1"><${Screen} route=${route} person=${person} /></main>`;
}

/**
 * "Saltar al contenido": focus moves to `main` (tabindex -1), so the next Tab is the first thing in
 * it. The address is the hash router's: following `#main` would make it a route ("No encontrado")
 * and lose the screen the person is on, so the link's own navigation is cancelled.
 */
function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/** OpenID Connect (oauth4webapi) is a chunk of its own: only signing in, back or out needs it. */
const oidc = () => import('./oidc');

function SignInScreen(props: { config: ConsoleConfig; onLanguage: () => void; failure?: string }) {
  const expired = sessionStorage.getItem(EXPIRED_FLAG) === '1';
  useEffect(() => {
    // Fetched while the person reads the screen, so the click goes straight to the issuer.
    void oidc();
    performance.mark('console:sign-in-ready');
  }, []);
  return html`<main id="main" class="sign-in">
    <h1>${t('signInTitle')}</h1>
    ${expired ? html`<p class="notice warn" role="alert" data-expired>${t('sessionExpired')}</p>` : null}
    ${props.failure ? html`<p class="notice error" role="alert">${t('signInFailed', { detail: props.failure })}</p>` : null}
    <p>${t('signInLead')}</p>
    <button type="button" onClick=${() => oidc().then((m) => m.signIn(props.config, location.hash))}>${t('signIn')}</button>
    <${LanguagePicker} onChange=${props.onLanguage} />
  </main>`;
}

async function boot(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  setLocale(currentLocale());
  const config = (await (await fetch(new URL('config.json', consoleRoot()))).json()) as ConsoleConfig;
  let rerender = () => {};
  configureApi(config, () => {
    // Expired, revoked or forged: back to the sign-in screen, with this page's address (and every
    // form draft in sessionStorage) kept for the return.
    sessionStorage.setItem(EXPIRED_FLAG, '1');
    rerender();
  });
  if (/\/callback\/?$/.test(location.pathname)) {
    try {
      const returnTo = await (await oidc()).completeSignIn(config, new URL(location.href));
      sessionStorage.removeItem(EXPIRED_FLAG);
      history.replaceState(null, '', `${config.apiBase}/console/${returnTo}`);
    } catch (error) {
      history.replaceState(null, '', `${config.apiBase}/console/`);
      root.textContent = '';
      render(
        html`<${SignInScreen} config=${config} onLanguage=${() => {}} failure=${String(error)} />`,
        root,
      );
      return;
    }
  }
  root.textContent = '';
  const draw = () => render(html`<${App} config=${config} key=${Date.now()} />`, root);
  rerender = draw;
  draw();
}

/** The console's root URL, wherever it is served (`…/console/`, also from `…/console/callback`). */
function consoleRoot(): string {
  const path = location.pathname.replace(/\/callback\/?$/, '/').replace(/[^/]*$/, '');
  return `${location.origin}${path}`;
}

boot().catch((error: unknown) => {
  const root = document.getElementById('app');
  if (root) root.textContent = `No se pudo cargar la consola: ${String(error)}`;
});
