import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { closeServer, listen } from './sandbox/server';

export interface RecordedBusEvent {
  eventId: string;
  receivedAt: string;
  source: string;
  detailType: string;
  eventBusName: string | undefined;
  detail: unknown;
}

export interface LocalEventBus {
  endpoint: string;
  events: RecordedBusEvent[];
  /** Let `after` entries through, then fail the next `count` (rehearsing a dispatcher that fails mid-batch). */
  failNext(count: number, after?: number): void;
  stop(): Promise<void>;
}

/**
 * EventBridge has no local emulator, so this is a stand-in — and the only mock in the local
 * stack. It speaks just enough of the real wire protocol (AWS JSON 1.1, `AWSEvents.PutEvents`)
 * for the real SDK client in the dispatcher to talk to it over HTTP, records every entry (shown
 * at GET /_local/bus-events and in the log), and can be told to fail entries.
 */
export async function startLocalEventBus(log: (line: string) => void): Promise<LocalEventBus> {
  const events: RecordedBusEvent[] = [];
  const MAX_RECORDED_EVENTS = 2_000;
  let failures = 0;
  let passesBeforeFailing = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target !== 'AWSEvents.PutEvents') {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({ __type: 'UnknownOperationException', message: `${target} is not emulated` }),
        );
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        Entries?: { Source?: string; DetailType?: string; Detail?: string; EventBusName?: string }[];
      };
      let failed = 0;
      const entries = (body.Entries ?? []).map((entry) => {
        if (failures > 0 && passesBeforeFailing > 0) {
          passesBeforeFailing--;
        } else if (failures > 0) {
          failures--;
          failed++;
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected failure (local bus)' };
        }
        const recorded: RecordedBusEvent = {
          eventId: randomUUID(),
          receivedAt: new Date().toISOString(),
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          eventBusName: entry.EventBusName,
          detail: entry.Detail ? JSON.parse(entry.Detail) : null,
        };
        events.push(recorded);
        // A long-running `npm start` (or a 20,000-line settlement) must not grow without bound:
        // keep the most recent events, which is what /_local/bus-events is for.
        if (events.length > MAX_RECORDED_EVENTS) events.splice(0, events.length - MAX_RECORDED_EVENTS);
        log(`[bus] ${recorded.detailType} ${(recorded.detail as { id?: string } | null)?.id ?? ''}`);
        return { EventId: recorded.eventId };
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: failed, Entries: entries }));
    });
  });
  await listen(server, 0, 'local event bus', '(none)');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    failNext(count, after = 0) {
      failures = count;
      passesBeforeFailing = after;
    },
    stop: () => closeServer(server),
  };
}
