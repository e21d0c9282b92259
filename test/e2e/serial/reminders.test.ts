import { describe, expect, it } from 'vitest';
import type { ReminderSummary } from '#jobs/remind-expiring';
import type { Order } from '#model/order';
import { api, eventually, orderRequest, sandbox } from '../../support/api';

interface EventPage {
  items: { id: string; type: string; timestamp: string; data: Order }[];
  nextCursor: string | null;
}

const runJob = async () =>
  (await api<ReminderSummary>('POST', '/_local/jobs/remind-expiring', { auth: false })).body;

async function reminders(): Promise<EventPage['items']> {
  const items: EventPage['items'] = [];
  let cursor: string | null = null;
  do {
    const page: { body: EventPage } = await api<EventPage>(
      'GET',
      `/v1/events?type=order.expiring_soon&limit=100${cursor ? `&after=${cursor}` : ''}`,
    );
    items.push(...page.body.items);
    // The feed is a tail: its cursor always continues; an empty page means caught up.
    cursor = page.body.items.length > 0 ? page.body.nextCursor : null;
  } while (cursor);
  return items;
}

async function create(expiresInMinutes: number): Promise<Order> {
  const created = await api<Order>('POST', '/v1/orders', { body: orderRequest({ expiresInMinutes }) });
  expect(created.status).toBe(201);
  return created.body;
}

describe('order.expiring_soon reminders (the "printed but never paid" case)', () => {
  it('reminds once per order, 6 h before the deadline, only unpaid orders made with more time than that', async () => {
    await runJob(); // whatever earlier tests left is handled first
    const due = await create(7 * 60);
    const paidFirst = await create(7 * 60);
    const tooShort = await create(5 * 60);
    const later = await create(24 * 60);

    // Nothing is within 6 h of its deadline except the short one, which never gets a reminder.
    await runJob();
    const ids = () => reminders().then((items) => items.map((item) => item.data.id));
    expect(await ids()).not.toContain(tooShort.id);
    expect(await ids()).not.toContain(due.id);

    await sandbox('POST', `/_sandbox/cips/${paidFirst.voucher.cip}/pay`, {});
    await eventually(async () =>
      (await api<Order>('GET', `/v1/orders/${paidFirst.id}`)).body.status === 'PAID' ? true : undefined,
    );
    // 61 minutes on: 5 h 59 min left for the 7-hour orders.
    await api('POST', '/_local/clock', { body: { advanceSeconds: 61 * 60 }, auth: false });
    const summary = await runJob();
    expect(summary).toMatchObject({ complete: true, reminded: 1 });
    await runJob(); // a second run sends nothing twice

    // The feed shows events a few seconds after they happen (functions/events/feed.ts).
    const sent = await eventually(async () => {
      const items = await reminders();
      return items.some((event) => event.data.id === due.id) ? items : undefined;
    });
    const forDue = sent.filter((event) => event.data.id === due.id);
    expect(forDue).toHaveLength(1);
    expect(forDue[0]?.data.voucher.displayUrl).toBe(due.voucher.displayUrl);
    expect(forDue[0]?.data.status).toBe('PENDING_PAYMENT');
    // And it leaves through the outbox like every event: the dispatcher publishes it on the bus.
    const onBus = await eventually(async () => {
      const bus = await api<{
        items: { detailType?: string; DetailType?: string; detail?: unknown; Detail?: string }[];
      }>('GET', '/_local/bus-events', { auth: false });
      return bus.body.items.find(
        (item) =>
          JSON.stringify(item).includes('order.expiring_soon') && JSON.stringify(item).includes(due.id),
      );
    });
    expect(onBus).toBeDefined();
    const reminded = sent.map((event) => event.data.id);
    expect(reminded).not.toContain(paidFirst.id);
    expect(reminded).not.toContain(tooShort.id);
    expect(reminded).not.toContain(later.id);
  });
});
