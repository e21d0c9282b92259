import { useEffect } from 'preact/hooks';
import { api, type Page, query } from '../api';
import { type MessageKey, t } from '../i18n';
import type { Anomaly, Order, Payout, Refund } from '../types';
import { age, href, html, Show, useLoad } from '../ui';

/** Anomaly types that come from settlement reconciliation (docs/reconciliation.md). */
const SETTLEMENT_TYPES = new Set([
  'settlement_amount_mismatch',
  'settlement_currency_mismatch',
  'settlement_unknown_payment',
  'settlement_duplicate_line',
  'refunded_before_settlement',
  'commission_mismatch',
  'missing_notification',
]);

export const isSettlementAnomaly = (type: string) => SETTLEMENT_TYPES.has(type);

/** How many items one page of a queue read: the count shows "100+" beyond it. */
const QUEUE_PAGE = 100;

interface Queue {
  key: MessageKey;
  link: string;
  count: number;
  more: boolean;
  oldest?: string;
}

function queue(key: MessageKey, link: string, times: string[], more: boolean): Queue {
  const sorted = [...times].sort();
  return { key, link, count: times.length, more, ...(sorted[0] ? { oldest: sorted[0] } : {}) };
}

/**
 * What needs a person now. One request per queue (four in all: the three anomaly queues share one
 * read of the open anomalies), each answered by one query in the API.
 */
async function loadQueues(): Promise<Queue[]> {
  const [anomalies, refunds, payouts, reviews] = await Promise.all([
    api<Page<Anomaly>>('GET', `/v1/anomalies${query({ status: 'open', limit: QUEUE_PAGE })}`),
    api<Page<Refund>>('GET', `/v1/refunds${query({ status: 'REQUESTED', limit: QUEUE_PAGE })}`),
    api<Page<Payout>>('GET', `/v1/payouts${query({ status: 'REQUESTED', limit: QUEUE_PAGE })}`),
    api<Page<Order>>('GET', `/v1/risk/reviews${query({ limit: QUEUE_PAGE })}`),
  ]);
  const more = anomalies.nextCursor !== null;
  const of = (keep: (anomaly: Anomaly) => boolean) =>
    anomalies.items.filter(keep).map((anomaly) => anomaly.detectedAt);
  return [
    queue(
      'queueAnomalies',
      href('anomalias'),
      of((a) => !isSettlementAnomaly(a.type) && a.type !== 'unsettled_payment'),
      more,
    ),
    queue(
      'queueRefunds',
      href('reembolsos'),
      refunds.items.map((r) => r.createdAt),
      refunds.nextCursor !== null,
    ),
    queue(
      'queuePayouts',
      href('pagos'),
      payouts.items.map((p) => p.createdAt),
      payouts.nextCursor !== null,
    ),
    queue(
      'queueRisk',
      href('riesgo'),
      reviews.items.map((o) => o.createdAt),
      reviews.nextCursor !== null,
    ),
    queue(
      'queueDiscrepancies',
      href('anomalias', 'liquidacion'),
      of((a) => isSettlementAnomaly(a.type)),
      more,
    ),
    queue(
      'queueUnsettled',
      href('anomalias', 'sin-liquidar'),
      of((a) => a.type === 'unsettled_payment'),
      more,
    ),
  ];
}

export function Home() {
  const [queues] = useLoad(loadQueues, []);
  useEffect(() => {
    // What the bench times: Inicio is usable once its counts are on screen.
    if (queues.state === 'ok') performance.mark('console:inicio-ready');
  }, [queues.state]);
  return html`<h1>${t('homeTitle')}</h1>
    <${Show} value=${queues}>
      ${(list: Queue[]) => html`<ul class="cards">
        ${list.map(
          (item) => html`<li class=${item.count > 0 ? 'card attention' : 'card'}>
            <a class="card-link" href=${item.link} data-queue=${item.key}>
              <span class="card-title">${t(item.key)}</span>
              <span class="card-count">${item.count}${item.more ? '+' : ''}</span>
              <span class="card-age">${item.oldest ? t('oldest', { age: age(item.oldest) }) : t('none')}</span>
            </a>
          </li>`,
        )}
      </ul>`}
    <//>`;
}
