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
  return {
    /** `POST /_sandbox/faults` `{createCip: [...], userEmail?}`. */
    arm(body: Json): HttpReply {
      const requested = Array.isArray(body.createCip) ? body.createCip : [];
      if (!requested.every((fault): fault is Fault => FAULTS.includes(fault as Fault))) {
        return fail(400, 400, `createCip takes a list of ${FAULTS.join(', ')}.`, 'createCip');
      }
      const target = typeof body.userEmail === 'string' ? body.userEmail : '*';
      faults.set(target, [...(faults.get(target) ?? []), ...requested]);
      return new HttpReply(200, { userEmail: target, pending: faults.get(target) });
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
