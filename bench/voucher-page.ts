import { gzipSync } from 'node:zlib';
import type { Order } from '#model/order';
import { renderVoucherPage } from '#voucher-page/render';
import { DEFAULT_VOUCHER_PAGE_SETTINGS } from '#voucher-page/settings';
import { voucherView } from '#voucher-page/view';
import { fmt, median, percentile, runBounded } from './stats';

/**
 * The buyer's page: server render time (view + Code 128 SVG + HTML, in process), the page over
 * HTTP on the local stack (handler + two GetItems), its size on the wire (goal ≤ 30 KB, SVG
 * included), and how many status polls per second the local stack answers.
 */
export async function benchVoucherPage(createOrder: () => Promise<Order>) {
  const order = await createOrder();
  const url = order.voucher.displayUrl ?? '';
  const RENDERS = 500;
  const renders: number[] = [];
  let html = '';
  for (let i = 0; i < RENDERS; i++) {
    const started = performance.now();
    html = renderVoucherPage(voucherView(order, DEFAULT_VOUCHER_PAGE_SETTINGS, new Date()));
    renders.push(performance.now() - started);
  }
  const REQUESTS = 200;
  const over: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(url);
    bytes = (await response.arrayBuffer()).byteLength;
    over.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`voucher page → ${response.status}`);
  }
  const external = [...html.matchAll(/<(?:script|link|img)[^>]+(?:src|href)="https?:/g)].length;
  const POLLS = 2000;
  const polls = await runBounded(POLLS, 20, async () => {
    const response = await fetch(`${url}/status`);
    if (response.status !== 200) throw new Error(`status → ${response.status}`);
    await response.arrayBuffer();
  });

  console.log('\n## Voucher page (GET /v/{token}) and its status view\n');
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(
    `| server render p50 / p99 ms (view + barcode SVG + HTML, ${RENDERS}×) | ${fmt(median(renders), 2)} / ${fmt(percentile(renders, 99), 2)} |`,
  );
  console.log(
    `| page over HTTP p50 / p99 ms (local stack, ${REQUESTS} sequential) | ${fmt(median(over), 2)} / ${fmt(percentile(over, 99), 2)} |`,
  );
  console.log(`| first HTML response, bytes (goal ≤ 30,000) | ${bytes} |`);
  console.log(`| … gzip-compressed, bytes | ${gzipSync(html).byteLength} |`);
  console.log(`| blocking external resources | ${external} |`);
  console.log(
    `| status polls/s (local stack, ${POLLS} requests, 20 in flight) | ${fmt((POLLS / polls.elapsedMs) * 1000)} |`,
  );
  console.log(
    `| status poll p50 / p99 ms | ${fmt(median(polls.durations), 2)} / ${fmt(percentile(polls.durations, 99), 2)} |`,
  );
}
