import { api, type Page, query } from '../api';
import type { Person } from '../auth';
import { label, t } from '../i18n';
import { mayDecide } from '../permissions';
import type { Actor, Anomaly, Order, Payout, Refund } from '../types';
import { ActionForm, Decision, dateTime, href, html, money, Show, Status, useLoad } from '../ui';
import { isSettlementAnomaly } from './home';

/** Whether `actor` is this person: the API records a person's subject (or e-mail) as the principal. */
export function isMe(person: Person, actor: Actor): boolean {
  const principal = actor.principal ?? actor.subject;
  return principal !== undefined && (principal === person.sub || principal === person.email);
}

const actorName = (actor: Actor) => actor.name ?? actor.principal ?? actor.keyName;

// ---------- Anomalías ----------

const ANOMALY_VIEWS: Record<string, (anomaly: Anomaly) => boolean> = {
  todas: (a) => !isSettlementAnomaly(a.type) && a.type !== 'unsettled_payment',
  liquidacion: (a) => isSettlementAnomaly(a.type),
  'sin-liquidar': (a) => a.type === 'unsettled_payment',
};

export function Anomalies(props: { view?: string }) {
  const view = props.view && props.view in ANOMALY_VIEWS ? props.view : 'todas';
  const [page, reload] = useLoad(
    () => api<Page<Anomaly>>('GET', `/v1/anomalies${query({ status: 'open', limit: 100 })}`),
    [],
  );
  return html`<h1>${t('anomaliesTitle')}</h1>
    <nav class="tabs" aria-label=${t('anomaliesTitle')}>
      <a class="tab" href=${href('anomalias')} aria-current=${view === 'todas' ? 'page' : undefined}>${t('queueAnomalies')}</a>
      <a class="tab" href=${href('anomalias', 'liquidacion')} aria-current=${view === 'liquidacion' ? 'page' : undefined}>${t('queueDiscrepancies')}</a>
      <a class="tab" href=${href('anomalias', 'sin-liquidar')} aria-current=${view === 'sin-liquidar' ? 'page' : undefined}>${t('queueUnsettled')}</a>
    </nav>
    <${Show} value=${page}>
      ${({ items }: Page<Anomaly>) => {
        const shown = items.filter(ANOMALY_VIEWS[view] ?? (() => true));
        if (shown.length === 0) return html`<p role="status">${t('none')}</p>`;
        return html`<ul class="queue">${shown.map(
          (anomaly) => html`<li class="item">
            <p><strong>${label(anomaly.type)}</strong> · ${dateTime(anomaly.detectedAt)}
              ${anomaly.amount !== undefined && anomaly.currency ? html` · ${money(anomaly.amount, anomaly.currency)}` : null}</p>
            <p>${anomaly.detail}</p>
            ${anomaly.orderId ? html`<p><a href=${href('pedidos', anomaly.orderId)}>${anomaly.orderId}</a></p>` : null}
            <${Decision} label=${t('resolve')}>
              <${ActionForm} id=${`resolve-${anomaly.id}`} submitLabel=${t('resolve')} onDone=${reload}
                fields=${[{ name: 'resolution', label: t('resolution'), type: 'textarea', required: true, minLength: 3, maxLength: 1000 }]}
                onSubmit=${(values: Record<string, string>) =>
                  api('POST', `/v1/anomalies/${encodeURIComponent(anomaly.id)}/resolve`, {
                    body: { resolution: values.resolution },
                  })} />
            <//>
          </li>`,
        )}</ul>`;
      }}
    <//>`;
}

// ---------- Reembolsos ----------

export function Refunds(props: { person: Person; id?: string }) {
  const [page, reload] = useLoad(
    () =>
      props.id
        ? api<Refund>('GET', `/v1/refunds/${encodeURIComponent(props.id)}`).then((refund) => ({
            items: [refund],
            nextCursor: null,
          }))
        : api<Page<Refund>>('GET', `/v1/refunds${query({ status: 'REQUESTED', limit: 100 })}`),
    [props.id],
  );
  return html`<h1>${t('refundsTitle')}</h1>
    <p class="rule" id="refund-rule">${t('makerChecker')}</p>
    <${Show} value=${page}>
      ${({ items }: Page<Refund>) =>
        items.length === 0
          ? html`<p role="status">${t('none')}</p>`
          : html`<ul class="queue">${items.map((refund) => html`<${RefundItem} refund=${refund} person=${props.person} reload=${reload} />`)}</ul>`}
    <//>`;
}

function RefundItem(props: { refund: Refund; person: Person; reload: () => void }) {
  const { refund, person } = props;
  const mine = isMe(person, refund.requestedBy);
  const decides = mayDecide(person, 'refunds');
  const base = `/v1/refunds/${refund.id}`;
  return html`<li class="item" data-refund=${refund.id}>
    <p>
      <strong>${money(refund.amount, refund.currency)}</strong> · <${Status} code=${refund.status} />${' · '}
      <a href=${href('pedidos', refund.orderId)}>${refund.order.reference}</a> · ${label(refund.reason)}
    </p>
    <p>${t('requestedBy')}: ${actorName(refund.requestedBy)} · ${dateTime(refund.createdAt)}</p>
    ${
      !decides && (refund.status === 'REQUESTED' || refund.status === 'APPROVED')
        ? html`<p class="notice" data-others-decide>${t('othersDecide')}</p>`
        : null
    }
    ${
      decides && refund.status === 'REQUESTED'
        ? html`<div class="actions">
          ${mine ? html`<p class="notice warn" data-own-request>${t('ownRequest')}</p>` : null}
          <${Decision} label=${t('approve')} disabled=${mine}>
            <${ActionForm} id=${`approve-${refund.id}`} submitLabel=${t('approve')} fields=${[]} onDone=${props.reload}
              intro=${html`<p>${t('makerChecker')}</p>`}
              onSubmit=${() => api('POST', `${base}/approve`, { body: {} })} />
          <//>
          <${Decision} label=${t('reject')}>
            <${ActionForm} id=${`reject-${refund.id}`} submitLabel=${t('reject')} onDone=${props.reload}
              fields=${[{ name: 'reason', label: t('reason'), type: 'textarea', required: true, minLength: 3, maxLength: 500 }]}
              onSubmit=${(values: Record<string, string>) => api('POST', `${base}/reject`, { body: { reason: values.reason } })} />
          <//>
        </div>`
        : null
    }
    ${
      decides && refund.status === 'APPROVED'
        ? html`<div class="actions">
          <${Decision} label=${t('markPaid')}>
            <${ActionForm} id=${`paid-${refund.id}`} submitLabel=${t('markPaid')} onDone=${props.reload}
              fields=${[
                { name: 'transferReference', label: t('transferReference'), required: true, maxLength: 100 },
                { name: 'paidAt', label: t('paidAt'), type: 'datetime-local', required: true },
              ]}
              onSubmit=${(values: Record<string, string>) =>
                api('POST', `${base}/mark-paid`, {
                  body: { transferReference: values.transferReference, paidAt: limaIso(values.paidAt ?? '') },
                })} />
          <//>
          <${Decision} label=${t('markFailed')}>
            <${ActionForm} id=${`failed-${refund.id}`} submitLabel=${t('markFailed')} onDone=${props.reload}
              fields=${[{ name: 'reason', label: t('reason'), type: 'textarea', required: true, minLength: 3, maxLength: 500 }]}
              onSubmit=${(values: Record<string, string>) => api('POST', `${base}/mark-failed`, { body: { reason: values.reason } })} />
          <//>
        </div>`
        : null
    }
  </li>`;
}

/** A `datetime-local` value is Lima wall-clock time (the people using this are in Peru). */
function limaIso(local: string): string {
  return new Date(`${local}:00-05:00`).toISOString();
}

// ---------- Pagos a vendedores ----------

export function Payouts(props: { person: Person }) {
  const [page, reload] = useLoad(
    () => api<Page<Payout>>('GET', `/v1/payouts${query({ status: 'REQUESTED', limit: 100 })}`),
    [],
  );
  const [approved, reloadApproved] = useLoad(
    () => api<Page<Payout>>('GET', `/v1/payouts${query({ status: 'APPROVED', limit: 100 })}`),
    [],
  );
  const reloadBoth = () => {
    reload();
    reloadApproved();
  };
  return html`<h1>${t('payoutsTitle')}</h1>
    <p class="rule">${t('payoutMakerChecker')}</p>
    <h2>${t('queuePayouts')}</h2>
    <${Show} value=${page}>
      ${({ items }: Page<Payout>) =>
        items.length === 0
          ? html`<p role="status">${t('none')}</p>`
          : html`<ul class="queue">${items.map((payout) => html`<${PayoutItem} payout=${payout} person=${props.person} reload=${reloadBoth} />`)}</ul>`}
    <//>
    <h2>${label('APPROVED')}</h2>
    <${Show} value=${approved}>
      ${({ items }: Page<Payout>) =>
        items.length === 0
          ? html`<p role="status">${t('none')}</p>`
          : html`<ul class="queue">${items.map((payout) => html`<${PayoutItem} payout=${payout} person=${props.person} reload=${reloadBoth} />`)}</ul>`}
    <//>`;
}

function PayoutItem(props: { payout: Payout; person: Person; reload: () => void }) {
  const { payout } = props;
  const mine = isMe(props.person, payout.requestedBy);
  const base = `/v1/payouts/${payout.id}`;
  return html`<li class="item">
    <p>
      <strong>${money(payout.amount, payout.currency)}</strong> · <${Status} code=${payout.status} />${' · '}
      <a href=${href('vendedores', payout.sellerId)}>${payout.sellerId}</a>
      ${payout.bankAccount ? html` · CCI ${payout.bankAccount.cci}` : null}</p>
    <p>${t('requestedBy')}: ${actorName(payout.requestedBy)} · ${dateTime(payout.createdAt)}</p>
    ${
      !mayDecide(props.person, 'payouts')
        ? html`<p class="notice" data-others-decide>${t('othersDecide')}</p>`
        : html`<div class="actions">
      ${
        payout.status === 'REQUESTED'
          ? html`${mine ? html`<p class="notice warn">${t('ownRequest')}</p>` : null}
          <${Decision} label=${t('approve')} disabled=${mine}>
            <${ActionForm} id=${`approve-${payout.id}`} submitLabel=${t('approve')} fields=${[]} onDone=${props.reload}
              intro=${html`<p>${t('payoutMakerChecker')}</p>`}
              onSubmit=${() => api('POST', `${base}/approve`, { body: {} })} />
          <//>
          <${Decision} label=${t('reject')}>
            <${ActionForm} id=${`reject-${payout.id}`} submitLabel=${t('reject')} onDone=${props.reload}
              fields=${[{ name: 'reason', label: t('reason'), type: 'textarea', required: true, minLength: 3, maxLength: 500 }]}
              onSubmit=${(values: Record<string, string>) => api('POST', `${base}/reject`, { body: { reason: values.reason } })} />
          <//>`
          : html`<${Decision} label=${t('markPaid')}>
            <${ActionForm} id=${`paid-${payout.id}`} submitLabel=${t('markPaid')} onDone=${props.reload}
              fields=${[
                {
                  name: 'transferReference',
                  label: t('transferReference'),
                  required: true,
                  minLength: 3,
                  maxLength: 100,
                },
                { name: 'paidAt', label: t('paidAt'), type: 'datetime-local', required: true },
              ]}
              onSubmit=${(values: Record<string, string>) =>
                api('POST', `${base}/mark-paid`, {
                  body: { transferReference: values.transferReference, paidAt: limaIso(values.paidAt ?? '') },
                })} />
          <//>
          <${Decision} label=${t('markFailed')}>
            <${ActionForm} id=${`failed-${payout.id}`} submitLabel=${t('markFailed')} onDone=${props.reload}
              fields=${[{ name: 'reason', label: t('reason'), type: 'textarea', required: true, minLength: 3, maxLength: 500 }]}
              onSubmit=${(values: Record<string, string>) => api('POST', `${base}/mark-failed`, { body: { reason: values.reason } })} />
          <//>`
      }
    </div>`
    }
  </li>`;
}

// ---------- Revisión de riesgo ----------

export function RiskReviews() {
  const [page, reload] = useLoad(
    () => api<Page<Order>>('GET', `/v1/risk/reviews${query({ limit: 100 })}`),
    [],
  );
  return html`<h1>${t('riskTitle')}</h1>
    <p class="rule">${t('riskRule')}</p>
    <${Show} value=${page}>
      ${({ items }: Page<Order>) =>
        items.length === 0
          ? html`<p role="status">${t('none')}</p>`
          : html`<ul class="queue">${items.map(
              (order) => html`<li class="item">
                <p><a href=${href('pedidos', order.id)}>${order.reference}</a> · ${money(order.amount, order.currency)} · ${dateTime(order.createdAt)}</p>
                <p>${t('rules')}: ${order.risk?.rules.join(', ')}</p>
                <${Decision} label=${`${t('approve')} / ${t('reject')}`}>
                  <${ActionForm} id=${`review-${order.id}`} submitLabel=${t('submit')} onDone=${reload}
                    fields=${[
                      {
                        name: 'decision',
                        label: t('actions'),
                        type: 'select',
                        options: [
                          { value: 'approve', label: t('approve') },
                          { value: 'reject', label: t('reject') },
                        ],
                      },
                      {
                        name: 'note',
                        label: t('note'),
                        type: 'textarea',
                        required: true,
                        minLength: 3,
                        maxLength: 1000,
                      },
                    ]}
                    onSubmit=${(values: Record<string, string>) =>
                      api('POST', `/v1/orders/${order.id}/risk-review`, {
                        body: { decision: values.decision, note: values.note },
                      })} />
                <//>
              </li>`,
            )}</ul>`}
    <//>`;
}
