import { ApiProblem, api, type Page, query } from '../api';
import { t } from '../i18n';
import type { Balance, BankAccount, LedgerLine, Payout } from '../types';
import { dateTime, href, html, money, Show, Status, useDraft, useLoad } from '../ui';
import { LedgerTable } from './orders';

/** Anyone but a seller: open a seller by id. */
export function Sellers() {
  const [form, set] = useDraft('seller-open', { sellerId: '' });
  return html`<h1>${t('sellersTitle')}</h1>
    <form class="search" onSubmit=${(event: Event) => {
      event.preventDefault();
      if (form.sellerId.trim()) location.hash = href('vendedores', form.sellerId.trim());
    }}>
      <div class="field">
        <label for="seller-id">${t('sellerId')}</label>
        <input id="seller-id" required pattern="[A-Za-z0-9._:\\-]{1,64}" value=${form.sellerId}
          onInput=${(e: Event) => set('sellerId', (e.target as HTMLInputElement).value)} />
      </div>
      <button type="submit">${t('open')}</button>
    </form>`;
}

interface SellerView {
  balance: Balance;
  ledger: LedgerLine[];
  payouts: Payout[];
  bankAccount?: BankAccount;
}

async function loadSeller(sellerId: string): Promise<SellerView> {
  const base = `/v1/sellers/${encodeURIComponent(sellerId)}`;
  // The balance first: another seller's id is a 404 here, and nothing else is asked.
  const balance = await api<Balance>('GET', `${base}/balance`);
  const [ledger, payouts, bankAccount] = await Promise.all([
    api<Page<LedgerLine>>('GET', `${base}/ledger${query({ limit: 25 })}`),
    api<Page<Payout>>('GET', `/v1/payouts${query({ sellerId, limit: 25 })}`),
    api<BankAccount>('GET', `${base}/bank-account`).catch((error: unknown) =>
      error instanceof ApiProblem && error.problem.status === 404 ? undefined : Promise.reject(error),
    ),
  ]);
  return { balance, ledger: ledger.items, payouts: payouts.items, ...(bankAccount ? { bankAccount } : {}) };
}

export function SellerPage(props: { sellerId: string }) {
  const [view] = useLoad(() => loadSeller(props.sellerId), [props.sellerId]);
  return html`<${Show} value=${view}>
    ${({ balance, ledger, payouts, bankAccount }: SellerView) => html`
      <h1>${t('sellerTitle', { id: balance.sellerId })}</h1>
      <section aria-labelledby="balance-title">
        <h2 id="balance-title">${t('balance')}</h2>
        ${balance.balances.length === 0 ? html`<p class="muted">—</p>` : null}
        <ul class="cards">${balance.balances.map(
          (entry) => html`<li class="card balance" data-currency=${entry.currency}>
            <span class="card-title">${entry.currency}</span>
            <dl class="facts">
              <dt>${t('available')}</dt><dd class="num">${money(entry.available, entry.currency)}</dd>
              <dt>${t('pending')}</dt><dd class="num">${money(entry.pending, entry.currency)}</dd>
              <dt>${t('reserved')}</dt><dd class="num">${money(entry.reservedForRefunds, entry.currency)}</dd>
              <dt>${t('inTransit')}</dt><dd class="num">${money(entry.inTransit, entry.currency)}</dd>
              <dt>${t('paidOut')}</dt><dd class="num">${money(entry.paidOut, entry.currency)}</dd>
            </dl>
            <p>${t('nextPayout', { date: entry.nextPayout.on, amount: money(entry.nextPayout.estimatedAmount, entry.currency) })}</p>
          </li>`,
        )}</ul>
      </section>
      <section aria-labelledby="bank-title">
        <h2 id="bank-title">${t('bankAccount')}</h2>
        ${
          bankAccount
            ? html`<p>CCI <code data-cci>${bankAccount.cci}</code> · ${t('holder')}: ${bankAccount.holderName}${bankAccount.bank ? ` · ${bankAccount.bank}` : ''}</p>
            <p class=${bankAccount.coolingOffUntil && Date.parse(bankAccount.coolingOffUntil) > Date.now() ? 'notice warn' : 'muted'}>
              ${
                bankAccount.coolingOffUntil && Date.parse(bankAccount.coolingOffUntil) > Date.now()
                  ? t('coolingOff', { date: dateTime(bankAccount.coolingOffUntil) })
                  : t('coolingOffDone', {
                      date: dateTime(bankAccount.coolingOffUntil ?? bankAccount.changedAt),
                    })
              }
            </p>`
            : html`<p class="muted">${t('noBankAccount')}</p>`
        }
      </section>
      <section aria-labelledby="payouts-title">
        <h2 id="payouts-title">${t('payouts')}</h2>
        ${
          payouts.length === 0
            ? html`<p class="muted">—</p>`
            : html`<div class="table-wrap"><table>
              <thead><tr><th scope="col">${t('date')}</th><th scope="col">${t('amount')}</th><th scope="col">${t('status')}</th></tr></thead>
              <tbody>${payouts.map(
                (
                  payout,
                ) => html`<tr><td>${dateTime(payout.createdAt)}</td><td class="num">${money(payout.amount, payout.currency)}</td>
                  <td><${Status} code=${payout.status} /></td></tr>`,
              )}</tbody>
            </table></div>`
        }
      </section>
      <section aria-labelledby="ledger-title">
        <h2 id="ledger-title">${t('ledger')}</h2>
        ${ledger.length === 0 ? html`<p class="muted">—</p>` : html`<${LedgerTable} lines=${ledger} />`}
      </section>`}
  <//>`;
}
