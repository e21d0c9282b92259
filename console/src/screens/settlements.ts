import { api, type Page, query } from '../api';
import { label, t } from '../i18n';
import type { Settlement, SettlementLine } from '../types';
import { ActionForm, date, dateTime, href, html, money, Show, Status, useLoad } from '../ui';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function Settlements() {
  const [page, reload] = useLoad(
    () => api<Page<Settlement>>('GET', `/v1/settlements${query({ limit: 50 })}`),
    [],
  );
  return html`<h1>${t('settlementsTitle')}</h1>
    <details><summary>${t('upload')}</summary>
      <${ActionForm} id="settlement-upload" submitLabel=${t('upload')} onDone=${reload}
        fields=${[{ name: 'file', label: t('reportFile'), type: 'file', required: true }]}
        onSubmit=${async (_values: Record<string, string>, files: Record<string, File | undefined>) => {
          const file = files.file;
          if (!file) return;
          const settlement = await api<Settlement>(
            'POST',
            `/v1/settlements${query({ fileName: file.name })}`,
            {
              raw: file,
              contentType: file.name.toLowerCase().endsWith('.xlsx') ? XLSX : 'text/csv',
            },
          );
          location.hash = href('liquidaciones', settlement.id);
        }} />
    </details>
    <${Show} value=${page}>
      ${({ items }: Page<Settlement>) =>
        items.length === 0
          ? html`<p role="status">${t('none')}</p>`
          : html`<div class="table-wrap"><table>
              <thead><tr><th scope="col">${t('settledOn')}</th><th scope="col">${t('reportFile')}</th><th scope="col">${t('status')}</th><th scope="col">${t('lines')}</th></tr></thead>
              <tbody>${items.map(
                (settlement) => html`<tr>
                  <td><a href=${href('liquidaciones', settlement.id)}>${date(settlement.settledOn)}</a></td>
                  <td>${settlement.fileName}</td><td><${Status} code=${settlement.status} /></td><td class="num">${settlement.lines}</td>
                </tr>`,
              )}</tbody>
            </table></div>`}
    <//>`;
}

export function SettlementPage(props: { id: string; outcome?: string }) {
  const base = `/v1/settlements/${encodeURIComponent(props.id)}`;
  const [settlement] = useLoad(() => api<Settlement>('GET', base), [props.id]);
  const [lines] = useLoad(
    () => api<Page<SettlementLine>>('GET', `${base}/lines${query({ outcome: props.outcome, limit: 500 })}`),
    [props.id, props.outcome],
  );
  async function download() {
    const csv = await api<string>('GET', `${base}/lines${query({ outcome: props.outcome, limit: 1000 })}`, {
      accept: 'text/csv',
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `${props.id}${props.outcome ? `-${props.outcome}` : ''}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  }
  return html`<${Show} value=${settlement}>
    ${(report: Settlement) => html`<h1>${t('settlementTitle', { id: date(report.settledOn) })}</h1>
      <p><${Status} code=${report.status} /> · ${report.fileName} · ${dateTime(report.importedAt)}</p>
      <nav class="tabs" aria-label=${t('outcome')}>
        <a class="tab" href=${href('liquidaciones', report.id)} aria-current=${props.outcome ? undefined : 'page'}>${t('lines')} (${report.lines})</a>
        ${Object.entries(report.counts)
          .filter(([, count]) => count > 0)
          .map(
            ([outcome, count]) => html`<a class="tab" href=${href('liquidaciones', report.id, outcome)}
              aria-current=${props.outcome === outcome ? 'page' : undefined}>${label(outcome)} (${count})</a>`,
          )}
      </nav>
      <button type="button" class="secondary" onClick=${download}>${t('downloadCsv')}</button>
      <${Show} value=${lines}>
        ${({ items }: Page<SettlementLine>) => html`<div class="table-wrap"><table>
          <thead><tr><th scope="col">#</th><th scope="col">${t('outcome')}</th><th scope="col">CIP</th><th scope="col">${t('amount')}</th><th scope="col">${t('detail')}</th></tr></thead>
          <tbody>${items.map(
            (
              line,
            ) => html`<tr><td class="num">${line.line}</td><td>${label(line.outcome)}</td><td>${line.cip ?? '—'}</td>
              <td class="num">${line.gross !== undefined && line.currency ? money(line.gross, line.currency) : '—'}</td><td>${line.detail}</td></tr>`,
          )}</tbody>
        </table></div>`}
      <//>`}
  <//>`;
}
