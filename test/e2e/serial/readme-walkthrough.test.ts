import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '#model/order';
import type { Refund } from '#model/refund';
import { type LocalStack, startLocalStack } from '../../../local/stack';
import { eventually, stack } from '../../support/api';

interface Target {
  apiUrl: string;
  sandboxUrl: string;
  apiKey: string;
}

/** The README's "Try it with curl" block, exactly as a newcomer pastes it. */
function walkthroughScript(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.indexOf('## Try it with curl');
  const start = readme.indexOf('```sh\n', section) + '```sh\n'.length;
  const end = readme.indexOf('```', start);
  expect(section).toBeGreaterThan(0);
  return readme.slice(start, end);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function orderByReference(target: Target, reference: string): Promise<Order> {
  const response = await fetch(`${target.apiUrl}/v1/orders?reference=${reference}`, {
    headers: { authorization: `Bearer ${target.apiKey}` },
  });
  const body = (await response.json()) as { items: Order[] };
  const [order] = body.items;
  if (!order) throw new Error(`no order ${reference}`);
  return order;
}

/**
 * Once as most stages run (PagoEfectivo direct, the shared test stack) and once with
 * PSP_PROVIDER=dlocal on a stack of its own: the same block, unchanged, must hold for both.
 */
describe.each(['pagoefectivo', 'dlocal'] as const)(
  'the README walk-through (PSP_PROVIDER=%s)',
  (provider) => {
    let own: LocalStack | undefined;
    let target: Target;
    beforeAll(async () => {
      if (provider === 'pagoefectivo') {
        target = stack();
        return;
      }
      own = await startLocalStack({
        port: 0,
        sandboxPort: 0,
        apiKey: 'walkthrough-dlocal-key-0123456789',
        serviceId: '7001',
        accessKey: 'walkthrough-access',
        secretKey: 'walkthrough-secret',
        visibilityTimeoutSeconds: 1,
        scheduler: false,
        provider: 'dlocal',
      });
      target = {
        apiUrl: own.apiUrl,
        sandboxUrl: own.sandboxUrl,
        apiKey: 'walkthrough-dlocal-key-0123456789',
      };
    }, 120_000);
    afterAll(async () => {
      await own?.stop();
    });

    it('shows every effect it claims, run top to bottom against the local stack', async () => {
      const port = (url: string) => new URL(url).port;
      const child = spawn('bash', ['-e', '-c', walkthroughScript()], {
        env: {
          ...process.env,
          PORT: port(target.apiUrl),
          SANDBOX_PORT: port(target.sandboxUrl),
          LOCAL_API_KEY: target.apiKey,
          RECEIVER_PORT: String(await freePort()),
        },
        // Its own process group, so the receiver it starts in the background is stopped with it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exitCode = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 90_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
      expect(exitCode, output).toBe(0);

      const first = await orderByReference(target, 'mkt-1001');
      const lost = await orderByReference(target, 'mkt-1002');
      const unpaid = await orderByReference(target, 'mkt-1003');
      // 3 + 6: paid once though notified twice, then fulfilled.
      expect(first.status).toBe('FULFILLED');
      expect(first.history.filter((entry) => entry.to === 'PAID')).toHaveLength(1);
      expect(output).toContain(`"id":"${first.id}","reference":"mkt-1001","status":"PAID"`);
      // 4: the forged notification.
      expect(output).toContain('"statusLabel":"Pendiente de pago"');
      expect(output).toMatch(/HTTP\/1\.1 401[\s\S]*application\/problem\+json/);
      // 5: field errors, and the reused reference naming the existing order.
      expect(output).toContain('"errors":[{"field":"currency"');
      expect(output).toContain(`"code":"reference_taken"`);
      expect(output).toContain(`"orderId":"${first.id}"`);
      // 8: the lost payment recovered by polling, the unpaid order expired.
      expect(lost.status).toBe('PAID');
      expect(lost.payment?.source).toBe('poll');
      expect(unpaid.status).toBe('EXPIRED');
      // 7 + 8: the receiver verified the deliveries it promised.
      expect(output).toMatch(
        new RegExp(`\\[receiver\\] verified order\\.paid \\S+ ${lost.id} mkt-1002 PAID`),
      );
      expect(output).toMatch(
        new RegExp(`\\[receiver\\] verified order\\.expired \\S+ ${unpaid.id} mkt-1003 EXPIRED`),
      );
      expect(output).not.toContain('REJECTED');
      expect(first.voucher.provider).toBe(provider);
      // 9: paid by the wallet, then its CIP anyway: one double payment, whose refund proposal
      // (the system's) a person approved and the wallet provider's refund API paid (decision 114).
      const wallet = await orderByReference(target, 'mkt-1004');
      expect(wallet.status).toBe('PAID');
      expect(output).toContain('"principal":"system:double-payment"');
      const refunds = await eventually(async () => {
        const response = await fetch(`${target.apiUrl}/v1/refunds?orderId=${wallet.id}`, {
          headers: { authorization: `Bearer ${target.apiKey}` },
        });
        const { items } = (await response.json()) as { items: Refund[] };
        return items.every((refund) => refund.status === 'PAID_OUT') ? items : undefined;
      });
      expect(refunds).toEqual([
        expect.objectContaining({
          reason: 'duplicate_payment',
          amount: 3000,
          destination: expect.objectContaining({
            type: 'wallet_payment',
            provider: provider === 'dlocal' ? 'dlocal' : 'culqi',
          }),
        }),
      ]);
    });
  },
);
