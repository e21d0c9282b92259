// zod/mini: the ingest function loads this and no other schema (cold start, decision 56).
import * as z from 'zod/mini';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { secretJson } from '#platform/secrets';

export interface PspCredentials {
  serviceId: string;
  accessKey: string;
  secretKey: string;
}

/**
 * The secret's JSON as stored in Secrets Manager (exported for its unit test): built with the
 * adapter's client (decision 63), so a function that never creates one builds none.
 */
export const secretSchema = /* @__PURE__ */ schemasOnFirstUse(() =>
  z.object({
    serviceId: z.pipe(
      z.union([z.string().check(z.regex(/^\d+$/)), z.int().check(z.positive())]),
      z.transform(String),
    ),
    accessKey: z.string().check(z.minLength(1)),
    secretKey: z.string().check(z.minLength(1)),
  }),
);

/**
 * The merchant credentials. In AWS they live in Secrets Manager (never in the template or env);
 * the embedded local stack has no Secrets Manager emulator, so it passes them as env vars.
 */
export async function pspCredentials(): Promise<PspCredentials> {
  const env = config();
  if (env.PAGOEFECTIVO_SECRET_ARN !== undefined) {
    return secretSchema().parse(await secretJson(env.PAGOEFECTIVO_SECRET_ARN));
  }
  if (env.PAGOEFECTIVO_SERVICE_ID && env.PAGOEFECTIVO_ACCESS_KEY && env.PAGOEFECTIVO_SECRET_KEY) {
    return {
      serviceId: env.PAGOEFECTIVO_SERVICE_ID,
      accessKey: env.PAGOEFECTIVO_ACCESS_KEY,
      secretKey: env.PAGOEFECTIVO_SECRET_KEY,
    };
  }
  throw new Error(
    'PagoEfectivo credentials are not configured (PAGOEFECTIVO_SECRET_ARN or PAGOEFECTIVO_* keys).',
  );
}
