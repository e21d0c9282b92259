import { fail, HttpReply, type Json } from './http-reply';

/** `reject`: a 400 with a field error; `error`: a 500 HTML page; `timeout`: no answer for 30 s. */
export type Fault = 'reject' | 'error' | 'timeout';
const FAULTS: readonly Fault[] = ['reject', 'error', 'timeout'];

/**
 * Failures to inject into the next POST /v1/cips calls (rehearsing PSP outages and refusals),
 * per buyer e-mail so that concurrent tests cannot consume each other's faults; '*' = anyone.
 */
export function faultDesk() {
  const faults = new Map<string, Fault[]>();
  // Wallet creates (Culqi's POST /v2/orders) have faults of their own: `{createWallet: [...]}`.
  const walletFaults = new Map<string, Fault[]>();
  return {
    /** `POST /_sandbox/faults` `{createCip: [...], createWallet: [...], userEmail?}`. */
    arm(body: Json): HttpReply {
      const requested = Array.isArray(body.createCip) ? body.createCip : [];
      const wallet = Array.isArray(body.createWallet) ? body.createWallet : [];
      if (!requested.every((fault): fault is Fault => FAULTS.includes(fault as Fault))) {
        return fail(400, 400, `createCip takes a list of ${FAULTS.join(', ')}.`, 'createCip');
      }
      if (!wallet.every((fault): fault is Fault => FAULTS.includes(fault as Fault))) {
        return fail(400, 400, `createWallet takes a list of ${FAULTS.join(', ')}.`, 'createWallet');
      }
      const target = typeof body.userEmail === 'string' ? body.userEmail : '*';
      if (requested.length) faults.set(target, [...(faults.get(target) ?? []), ...requested]);
      if (wallet.length) walletFaults.set(target, [...(walletFaults.get(target) ?? []), ...wallet]);
      return new HttpReply(200, {
        userEmail: target,
        pending: faults.get(target) ?? [],
        pendingWallet: walletFaults.get(target) ?? [],
      });
    },

    /** The reply a wallet create for this buyer gets instead of an order, if a fault is armed. */
    async nextWalletFault(userEmail: string): Promise<HttpReply | undefined> {
      const queue = walletFaults.get(userEmail)?.length ? walletFaults.get(userEmail) : walletFaults.get('*');
      const fault = queue?.shift();
      if (fault === 'reject')
        return new HttpReply(400, {
          object: 'error',
          type: 'invalid_request_error',
          merchant_message: 'El comercio no tiene billeteras habilitadas.',
        });
      if (fault === 'error')
        return new HttpReply(500, '<html><body>Internal Server Error</body></html>', 'text/html');
      if (fault === 'timeout') {
        await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
        return new HttpReply(504, { object: 'error', type: 'api_error', merchant_message: 'Timeout.' });
      }
      return undefined;
    },

    /** The reply a create for this buyer gets instead of a CIP, if a fault is armed for it. */
    async nextCreateFault(userEmail: string): Promise<HttpReply | undefined> {
      const queue = faults.get(userEmail)?.length ? faults.get(userEmail) : faults.get('*');
      const fault = queue?.shift();
      if (fault === 'reject')
        return fail(400, 126, 'El servicio no admite pagos en esta moneda.', 'currency');
      if (fault === 'error')
        return new HttpReply(500, '<html><body>Internal Server Error</body></html>', 'text/html');
      if (fault === 'timeout') {
        await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
        return fail(504, 504, 'Tiempo de espera agotado.');
      }
      return undefined;
    },
  };
}
