import './silence';
import '../local/quiet';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Order } from '#model/order';
import { ingestNotification } from '#notifications/ingest-notification';
import type { CreateOrderRequest } from '#orders/create-order-request';
import { sqs } from '#platform/aws';
import { dlocalAuthorization, dlocalSignature, isValidDlocalSignature } from '#psp/dlocal/dlocal-signature';
import { isValidNotificationSignature, notificationSignature } from '#psp/pagoefectivo/pe-signature';
import { buildConsole, writeConsole } from '../console/build';
import { type LocalStack, startLocalStack } from '../local/stack';
import { buildFunctions } from '../scripts/build-functions';
import { coldStartLevers, coldStarts, prodEnvironments } from './cold-start';
import { benchConsole } from './console';
import { benchLedgerIntegrity } from './ledger-integrity';
import { benchOrderRequest } from './order-request';
import { benchPayouts } from './payouts';
import { benchProviders } from './providers';
import { benchRisk } from './risk';
import { benchScheduledJobs } from './scheduled-jobs';
import { benchSettlementImport } from './settlement-import';
import { benchSettlements } from './settlements';
import { fmt, median, percentile, runBounded } from './stats';
import { benchVoucherPage } from './voucher-page';
import { benchWallets } from './wallets';
import { benchWebhooks } from './webhooks';
import { benchWriteUnits } from './write-units';

/**
 * `npm run bench`: prints figures and ratios (nothing here passes or fails). Sized for a 2-core
 * machine; every loop is bounded. Results are recorded in docs/performance.md.
 */
const API_KEY = 'bench-api-key-0123456789abcdef';
const SECRET = 'bench-secret-key';

/**
 * Sections that can run alone on a stack of their own: `npm run bench -- --only=<name>` (or
 * BENCH_ONLY=<name>), so one area's figures can be taken without the whole bench.
 */
const SECTIONS: Record<string, (stack: LocalStack) => Promise<void>> = {
  'settlement-import': () => benchSettlementImport(),
  console: (stack) => benchConsole(stack, API_KEY),
  wallets: (stack) => benchWallets(stack.apiUrl, stack.sandboxUrl, API_KEY),
};

/** The local stack every bench section runs against (ports picked by the OS, no scheduler). */
const STACK_OPTIONS = {
  port: 0,
  sandboxPort: 0,
  apiKey: API_KEY,
  serviceId: '4001',
  accessKey: 'bench-access-key',
  secretKey: SECRET,
  visibilityTimeoutSeconds: 5,
  scheduler: false,
} as const;

async function only(name: string) {
  const section = SECTIONS[name];
  if (section === undefined)
    throw new Error(`No bench section ${name}; one of: ${Object.keys(SECTIONS).join(', ')}`);
  const stack = await startLocalStack(STACK_OPTIONS);
  try {
    await section(stack);
  } finally {
    await stack.stop();
  }
  console.log(`\n(machine: ${process.platform} ${process.arch}, ${process.version})`);
}

/**
 * The bundles, and the console build the service stack deploys: synthesizing the prod template
 * (each function's environment) needs both, and a fresh clone has neither.
 */
async function buildForSynthesis() {
  const built = await buildFunctions();
  writeConsole(await buildConsole());
  return built;
}

async function main() {
  const selected = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  // `--only=cold-start`: the cold-start table alone (no local stack), e.g. before and after a change
  // to what the functions import.
  if ((selected ?? process.env.BENCH_ONLY) === 'cold-start') {
    await coldStarts(await buildForSynthesis(), prodEnvironments());
    return;
  }
  if (selected ?? process.env.BENCH_ONLY) return only(selected ?? process.env.BENCH_ONLY ?? '');
  const built = await buildForSynthesis();
  // Synthesized once (a CDK synthesis of the prod stage): both steps start bundles as Lambda would.
  const environments = prodEnvironments();
  await coldStarts(built, environments);
  await coldStartLevers(built, environments);

  const stack = await startLocalStack({
    ...STACK_OPTIONS,
    // The bench measures the product, and polls 60 orders every 100 ms: the per-key throttle
    // (100/s locally) would turn that into 429s. Limits wide open, so no figure here is the throttle's.
    clientThrottle: { rateLimit: 100_000, burstLimit: 100_000 },
  });
  try {
    /** One call with the bench's key; anything but 2xx stops the bench rather than skewing a figure. */
    const request = async <T>(method: 'GET' | 'POST', url: string, body?: unknown) => {
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const post = <T>(url: string, body: unknown) => request<T>('POST', url, body);
    const get = <T>(path: string) => request<T>('GET', `${stack.apiUrl}${path}`);
    let seq = 0;
    const order = (): CreateOrderRequest =>
      benchOrderRequest(
        `bench-${Date.now()}-${seq++}`,
        String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
      );
    const createOrder = () => post<Order>(`${stack.apiUrl}/v1/orders`, order());

    // Warm up: first PSP token, first handler imports, DynamoDB Local JIT.
    await runBounded(20, 4, async () => void (await createOrder()));

    console.log('\n## Order creation on the local stack (HTTP → handler → sandbox PSP → DynamoDB Local)\n');
    console.log('| mode | orders | orders/s | p50 ms | p95 ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [mode, total, concurrency] of [
      ['sequential', 100, 1],
      ['concurrent ×10', 300, 10],
    ] as const) {
      const run = await runBounded(total, concurrency, async () => void (await createOrder()));
      console.log(
        `| ${mode} | ${total} | ${fmt((total / run.elapsedMs) * 1000)} | ${fmt(median(run.durations))} | ${fmt(percentile(run.durations, 95))} |`,
      );
    }

    // Ingest cost vs the least it could do: verify the HMAC and send to SQS.
    const queueUrl = stack.queueUrls['payment-notifications'] ?? '';
    const bodies = Array.from({ length: 300 }, (_, i) =>
      Buffer.from(
        JSON.stringify({
          eventType: 'cip.paid',
          operationNumber: 700000 + i,
          data: { cip: 99000000 + i, currency: 'PEN', amount: 150, paymentDate: '2026-11-26T10:15:00-05:00' },
        }),
      ),
    );
    const signatures = bodies.map((body) => notificationSignature(SECRET, body));
    const baseline = await runBounded(bodies.length, 1, async (i) => {
      const body = bodies[i] as Buffer;
      if (!isValidNotificationSignature(SECRET, body, signatures[i])) throw new Error('bad signature');
      await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body.toString('base64') }));
    });
    const ingest = await runBounded(bodies.length, 1, async (i) => {
      await ingestNotification(bodies[i] as Buffer, {
        provider: 'pagoefectivo',
        signature: signatures[i],
        verify: (body) => isValidNotificationSignature(SECRET, body, signatures[i]),
      });
    });
    // The same through dLocal's verification (HMAC of X-Login + X-Date + body), against its own floor.
    const dlocalCredentials = { login: 'bench-login', secretKey: SECRET };
    const dlocalDate = new Date().toISOString();
    const dlocalHeaders = bodies.map((body) => ({
      login: dlocalCredentials.login,
      date: dlocalDate,
      authorization: dlocalAuthorization(dlocalSignature(SECRET, dlocalCredentials.login, dlocalDate, body)),
      signature: undefined,
    }));
    const dlocalBaseline = await runBounded(bodies.length, 1, async (i) => {
      const body = bodies[i] as Buffer;
      if (
        !isValidDlocalSignature(dlocalCredentials, dlocalHeaders[i] as (typeof dlocalHeaders)[number], body)
      )
        throw new Error('bad signature');
      await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body.toString('base64') }));
    });
    const dlocalIngest = await runBounded(bodies.length, 1, async (i) => {
      const headers = dlocalHeaders[i] as (typeof dlocalHeaders)[number];
      await ingestNotification(bodies[i] as Buffer, {
        provider: 'dlocal',
        signature: headers.authorization,
        verify: (body) => isValidDlocalSignature(dlocalCredentials, headers, body),
      });
    });
    const baselineMs = median(baseline.durations);
    const ingestMs = median(ingest.durations);
    console.log('\n## Webhook ingest per request (in-process, sequential, 300 requests)\n');
    console.log('| path | median ms | p95 ms | × baseline |');
    console.log('|---|---:|---:|---:|');
    console.log(
      `| baseline: HMAC verify + SQS send | ${fmt(baselineMs, 2)} | ${fmt(percentile(baseline.durations, 95), 2)} | 1.0 |`,
    );
    console.log(
      `| ingest: + size check + raw-body audit write | ${fmt(ingestMs, 2)} | ${fmt(percentile(ingest.durations, 95), 2)} | ${fmt(ingestMs / baselineMs, 2)} |`,
    );
    const dlocalBaselineMs = median(dlocalBaseline.durations);
    const dlocalIngestMs = median(dlocalIngest.durations);
    console.log(
      `| dLocal baseline: its HMAC verify + SQS send | ${fmt(dlocalBaselineMs, 2)} | ${fmt(percentile(dlocalBaseline.durations, 95), 2)} | 1.0 |`,
    );
    console.log(
      `| dLocal ingest (/webhooks/dlocal path) | ${fmt(dlocalIngestMs, 2)} | ${fmt(percentile(dlocalIngest.durations, 95), 2)} | ${fmt(dlocalIngestMs / dlocalBaselineMs, 2)} |`,
    );

    // End to end: N orders, each paid with 3 copies of its notification, over real HTTP.
    const ORDERS = 60;
    const COPIES = 3;
    const created: Order[] = [];
    await runBounded(ORDERS, 6, async () => void created.push(await createOrder()));
    const started = performance.now();
    await runBounded(created.length, 6, async (i) => {
      const target = created[i] as Order;
      await post(`${stack.sandboxUrl}/_sandbox/cips/${target.voucher.cip}/pay`, { copies: COPIES });
    });
    const deadline = Date.now() + 120_000;
    let settled: Order[] = [];
    while (Date.now() < deadline) {
      settled = await Promise.all(created.map((o) => get<Order>(`/v1/orders/${o.id}`)));
      if (settled.every((o) => o.status === 'PAID')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    settled = await Promise.all(created.map((o) => get<Order>(`/v1/orders/${o.id}`)));
    const exactlyOnce = settled.filter(
      (o) => o.status === 'PAID' && o.version === 2 && o.history.filter((h) => h.to === 'PAID').length === 1,
    ).length;
    const notifications = created.length * COPIES;
    console.log('\n## Notifications end to end (sandbox → webhook → SQS → processor → DynamoDB)\n');
    console.log(
      '| orders | notifications (incl. duplicates) | all PAID after s | notifications/s | applied exactly once |',
    );
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${created.length} | ${notifications} | ${fmt(elapsedMs / 1000, 2)} | ${fmt((notifications / elapsedMs) * 1000)} | ${exactlyOnce}/${created.length} |`,
    );
    await benchWriteUnits(stack.apiUrl, stack.sandboxUrl, post, get, order);
    await benchRisk((request) => post<Order>(`${stack.apiUrl}/v1/orders`, request), order);
    await benchWebhooks(stack.apiUrl, post, createOrder);
    await benchVoucherPage(createOrder);
    await benchConsole(stack, API_KEY);
    await benchWallets(stack.apiUrl, stack.sandboxUrl, API_KEY);
    await benchScheduledJobs();
    await benchSettlements();
    await benchSettlementImport();
    await benchPayouts();
    await benchLedgerIntegrity();
  } finally {
    await stack.stop();
  }
  // Each provider on a stack of its own, after the main one is down (one stack per process at a time).
  await benchProviders();
  console.log(`\n(machine: ${process.platform} ${process.arch}, ${process.version})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
