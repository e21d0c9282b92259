import { useState } from 'preact/hooks';
import { api, type Page, query } from '../api';
import { label, t } from '../i18n';
import { inTimelineOrder } from '../timeline';
import type { LedgerLine, Order, Refund } from '../types';
import {
  ActionForm,
  dateTime,
  href,
  html,
  money,
  ProblemNotice,
  Show,
  Status,
  useDraft,
  useLoad,
} from '../ui';

type SearchKind = 'reference' | 'orderId' | 'cip' | 'document';

/**
 * Finding an order the ways the API offers: by reference (the marketplace's id), by our id, by
 * the CIP the buyer holds, or by the buyer's document number (their orders, newest first).
 */
async function searchOrders(kind: SearchKind, value: string): Promise<Order[]> {
  const found = (load: Promise<Order>) =>
    load.then(
      (order) => [order],
      (error: { problem?: { status: number } }) =>
        error.problem?.status === 404 ? [] : Promise.reject(error),
    );
  if (kind === 'orderId') return found(api<Order>('GET', `/v1/orders/${encodeURIComponent(value)}`));
  if (kind === 'cip') return found(api<Order>('GET', `/v1/vouchers/${encodeURIComponent(value)}`));
  const filter = kind === 'reference' ? { reference: value } : { buyerDocumentNumber: value };
  return (await api<Page<Order>>('GET', `/v1/orders${query({ ...filter, limit: 25 })}`)).items;
}

export function Orders() {
  const [form, set] = useDraft('order-search', { kind: 'cip', value: '' });
  const [results, setResults] = useState<Order[] | undefined>();
  const [error, setError] = useState<unknown>();
  async function submit(event: Event) {
    event.preventDefault();
    setError(undefined);
    try {
      setResults(await searchOrders(form.kind as SearchKind, form.value.trim()));
    } catch (failure) {
      setResults(undefined);
      setError(failure);
    }
  }
  return html`<h1>${t('ordersTitle')}</h1>
    <form class="search" role="search" onSubmit=${submit}>
      <div class="field">
        <label for="search-kind">${t('searchBy')}</label>
        <select id="search-kind" value=${form.kind} onChange=${(e: Event) => set('kind', (e.target as HTMLSelectElement).value)}>
          <option value="cip">${t('byCip')}</option>
          <option value="reference">${t('byReference')}</option>
          <option value="orderId">${t('byOrderId')}</option>
          <option value="document">${t('byDocument')}</option>
        </select>
      </div>
      <div class="field">
        <label for="search-value">${t('searchValue')}</label>
        <input id="search-value" type="search" required value=${form.value}
          onInput=${(e: Event) => set('value', (e.target as HTMLInputElement).value)} />
      </div>
      <button type="submit">${t('search')}</button>
    </form>
    ${error ? html`<${ProblemNotice} error=${error} />` : null}
    ${results === undefined ? null : results.length === 0 ? html`<p role="status">${t('noResults')}</p>` : html`<${OrderTable} orders=${results} />`}`;
}

export function OrderTable(props: { orders: Order[] }) {
  return html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">${t('reference')}</th><th scope="col">${t('status')}</th><th scope="col">${t('amount')}</th><th scope="col">${t('buyer')}</th><th scope="col">${t('created')}</th></tr></thead>
    <tbody>
      ${props.orders.map(
        (order) => html`<tr>
          <td><a href=${href('pedidos', order.id)}>${order.reference}</a></td>
          <td><${Status} code=${order.status} /></td>
          <td class="num">${money(order.amount, order.currency)}</td>
          <td>${order.buyer.firstName} ${order.buyer.lastName}</td>
          <td>${dateTime(order.createdAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

interface OrderView {
  order: Order;
  refunds: Refund[];
  ledger: LedgerLine[];
}

async function loadOrder(id: string): Promise<OrderView> {
  const order = await api<Order>('GET', `/v1/orders/${encodeURIComponent(id)}`);
  const [refunds, ...ledgers] = await Promise.all([
    api<Page<Refund>>('GET', `/v1/refunds${query({ orderId: order.id, limit: 100 })}`),
    ...order.splits.map((split) =>
      api<Page<LedgerLine>>(
        'GET',
        `/v1/sellers/${encodeURIComponent(split.sellerId)}/ledger${query({ limit: 100 })}`,
      ).catch(() => ({ items: [], nextCursor: null })),
    ),
  ]);
  return {
    order,
    refunds: refunds.items,
    ledger: ledgers.flatMap((page) => page.items).filter((line) => line.orderId === order.id),
  };
}

/** Everything that happened to the order, oldest first. */
function timeline(order: Order): { at: string; text: string }[] {
  const steps = [
    { at: order.createdAt, text: t('tlCreated') },
    {
      at: order.createdAt,
      text: t('tlVoucher', { cip: order.voucher.cip, date: dateTime(order.voucher.expiresAt) }),
    },
    ...order.history
      .filter((entry) => entry.from !== null)
      .map((entry) => ({
        at: entry.at,
        text: t('tlTransition', {
          from: label(entry.from ?? ''),
          to: label(entry.to),
          source: label(entry.source),
        }),
      })),
  ];
  if (order.payment) {
    steps.push({
      at: order.payment.paidAt,
      text: t('tlPayment', {
        amount: money(order.payment.amount, order.payment.currency),
        source: label(order.payment.source),
      }),
    });
  }
  const contested = order.payment?.contested;
  if (contested) {
    steps.push({
      at: contested.at,
      text: t('tlContested', {
        amount: money(contested.amount, contested.currency),
        operation: contested.operationNumber,
      }),
    });
  }
  if (order.risk) {
    steps.push({
      at: order.risk.reviewedAt ?? order.createdAt,
      text: t('tlRisk', { decision: label(order.risk.decision) }),
    });
  }
  if (order.settlement) {
    steps.push({
      at: `${order.settlement.settledOn}T23:59:59-05:00`,
      text: t('tlSettlement', {
        date: order.settlement.settledOn,
        id: order.settlement.id,
        line: order.settlement.line,
      }),
    });
  }
  return inTimelineOrder(steps, order.createdAt);
}

const REFUND_REASONS = ['return', 'cancelled_after_payment', 'late_payment', 'other'];
const DOCUMENT_TYPES = ['DNI', 'CE', 'RUC', 'PAS'];

export function OrderPage(props: { id: string }) {
  const [view, reload] = useLoad(() => loadOrder(props.id), [props.id]);
  return html`<${Show} value=${view}>
    ${({ order, refunds, ledger }: OrderView) => html`
      <h1>${t('orderTitle', { reference: order.reference })}</h1>
      <p><${Status} code=${order.status} /> ${money(order.amount, order.currency)} · ${order.concept}</p>
      ${
        order.payment?.contested
          ? html`<p class="notice warn" data-contested>${t('paymentContested', {
              operation: order.payment.contested.operationNumber,
              amount: money(order.payment.contested.amount, order.payment.contested.currency),
              anomaly: order.payment.contested.anomalyId,
            })}</p>`
          : null
      }
      <dl class="facts">
        <dt>${t('byOrderId')}</dt><dd><code>${order.id}</code></dd>
        <dt>${t('byCip')}</dt><dd><code data-cip>${order.voucher.cip}</code></dd>
        <dt>${t('buyer')}</dt><dd>${order.buyer.firstName} ${order.buyer.lastName} · ${order.buyer.email} · ${order.buyer.documentType} ${order.buyer.documentNumber}</dd>
      </dl>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">${t('timeline')}</h2>
        <ol class="timeline" data-timeline>
          ${timeline(order).map((step) => html`<li><time datetime=${step.at}>${dateTime(step.at)}</time> ${step.text}</li>`)}
        </ol>
      </section>
      <section aria-labelledby="splits-title">
        <h2 id="splits-title">${t('splits')}</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">${t('seller')}</th><th scope="col">${t('amount')}</th><th scope="col">${t('fee')}</th></tr></thead>
          <tbody>${order.splits.map(
            (split) => html`<tr><td><a href=${href('vendedores', split.sellerId)}>${split.sellerId}</a></td>
              <td class="num">${money(split.amount, order.currency)}</td><td class="num">${money(split.fee, order.currency)}</td></tr>`,
          )}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="ledger-title">
        <h2 id="ledger-title">${t('ledgerLines')}</h2>
        ${ledger.length === 0 ? html`<p class="muted">—</p>` : html`<${LedgerTable} lines=${ledger} />`}
      </section>
      <${OrderEvents} orderId=${order.id} />
      <section aria-labelledby="refunds-title">
        <h2 id="refunds-title">${t('refunds')}</h2>
        ${
          refunds.length === 0
            ? html`<p class="muted">—</p>`
            : html`<ul>${refunds.map(
                (refund) =>
                  html`<li><a href=${href('reembolsos', refund.id)}>${refund.id}</a> · ${money(refund.amount, refund.currency)} · <${Status} code=${refund.status} /></li>`,
              )}</ul>`
        }
        ${
          order.payment
            ? html`<details><summary>${t('requestRefund')}</summary>
          <${ActionForm}
            id=${`refund-request-${order.id}`}
            submitLabel=${t('requestRefund')}
            onDone=${reload}
            fields=${[
              {
                name: 'amount',
                label: `${t('amount')} (${order.currency}, céntimos)`,
                required: true,
                pattern: '[1-9][0-9]*',
              },
              {
                name: 'reason',
                label: t('reason'),
                type: 'select',
                options: REFUND_REASONS.map((value) => ({ value, label: label(value) })),
              },
              {
                name: 'cci',
                label: 'CCI',
                required: true,
                pattern: '[0-9]{20}',
                apiField: 'body.destination.cci',
              },
              {
                name: 'holderName',
                label: t('holder'),
                required: true,
                minLength: 2,
                apiField: 'body.destination.holderName',
              },
              {
                name: 'documentType',
                label: t('byDocument'),
                type: 'select',
                options: DOCUMENT_TYPES.map((value) => ({ value, label: value })),
              },
              {
                name: 'documentNumber',
                label: `${t('byDocument')} (N.º)`,
                required: true,
                pattern: '[A-Za-z0-9]{4,14}',
                apiField: 'body.destination.documentNumber',
              },
            ]}
            onSubmit=${async (values: Record<string, string>, _files: unknown, attempt: string) => {
              await api('POST', `/v1/orders/${order.id}/refunds`, {
                idempotencyKey: attempt,
                body: {
                  amount: Number(values.amount),
                  reason: values.reason,
                  destination: {
                    type: 'bank_account',
                    cci: values.cci,
                    holderName: values.holderName,
                    documentType: values.documentType,
                    documentNumber: values.documentNumber,
                  },
                },
              });
            }}
          />
        </details>`
            : null
        }
      </section>`}
  <//>`;
}

interface OrderEvent {
  id: string;
  type: string;
  timestamp: string;
}

/** The order's events (GET /v1/orders/{id}/events), each with "Reenviar" (POST /v1/events/{id}/redeliver). */
function OrderEvents(props: { orderId: string }) {
  const [events] = useLoad(
    () => api<{ items: OrderEvent[] }>('GET', `/v1/orders/${encodeURIComponent(props.orderId)}/events`),
    [props.orderId],
  );
  return html`<section aria-labelledby="events-title" data-events>
    <h2 id="events-title">${t('orderEvents')}</h2>
    <p class="muted">${t('orderEventsLead')}</p>
    <${Show} value=${events}>
      ${({ items }: { items: OrderEvent[] }) =>
        items.length === 0
          ? html`<p class="muted">—</p>`
          : html`<ul class="queue">${items.map(
              (event) => html`<li class="item" data-event=${event.id}>
                <p><strong>${event.type}</strong> · <time datetime=${event.timestamp}>${dateTime(event.timestamp)}</time></p>
                <p><code>${event.id}</code></p>
                <${ActionForm} id=${`redeliver-${event.id}`} submitLabel=${t('redeliver')} fields=${[]}
                  onSubmit=${async () => {
                    await api('POST', `/v1/events/${encodeURIComponent(event.id)}/redeliver`, { body: {} });
                  }} />
              </li>`,
            )}</ul>`}
    <//>
  </section>`;
}

export function LedgerTable(props: { lines: LedgerLine[] }) {
  return html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">${t('date')}</th><th scope="col">${t('reason')}</th><th scope="col">${t('status')}</th><th scope="col">${t('amount')}</th></tr></thead>
    <tbody>${props.lines.map(
      (
        line,
      ) => html`<tr><td>${dateTime(line.at)}</td><td>${line.reason}${line.orderId ? html` · <a href=${href('pedidos', line.orderId)}>${line.orderId}</a>` : null}</td>
        <td>${line.bucket}</td><td class="num">${money(line.amount, line.currency)}</td></tr>`,
    )}</tbody>
  </table></div>`;
}
