// zod/mini: the ingest function loads this and no other schema (cold start, decision 56).
import * as z from 'zod/mini';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { secretJson } from '#platform/secrets';
import type { DlocalCredentials } from './client';

/**
 * The secret's JSON as stored in Secrets Manager (exported for its unit test): built with the
 * adapter's client (decision 63), so a function that never creates one builds none.
 */
export const secretSchema = /* @__PURE__ */ schemasOnFirstUse(() =>
  z.object({
    login: z.string().check(z.minLength(1)),
    transKey: z.string().check(z.minLength(1)),
    secretKey: z.string().check(z.minLength(1)),
  }),
);

/** Whether this stage was given dLocal credentials at all (a PagoEfectivo-only stage is not). */
export function dlocalConfigured(): boolean {
  const env = config();
  return (
    env.DLOCAL_SECRET_ARN !== undefined ||
    (env.DLOCAL_LOGIN !== undefined && env.DLOCAL_SECRET_KEY !== undefined)
  );
}

/**
 * dLocal's merchant credentials: Secrets Manager in AWS (`DLOCAL_SECRET_ARN`, JSON `{login,
 * transKey, secretKey}`, cached five minutes per container), env vars on the local stack.
 */
export async function dlocalCredentials(): Promise<DlocalCredentials> {
  const env = config();
  if (env.DLOCAL_SECRET_ARN !== undefined) {
    return secretSchema().parse(await secretJson(env.DLOCAL_SECRET_ARN));
  }
  if (env.DLOCAL_LOGIN && env.DLOCAL_TRANS_KEY && env.DLOCAL_SECRET_KEY) {
    return { login: env.DLOCAL_LOGIN, transKey: env.DLOCAL_TRANS_KEY, secretKey: env.DLOCAL_SECRET_KEY };
  }
  throw new Error('dLocal credentials are not configured (DLOCAL_SECRET_ARN or DLOCAL_* keys).');
}
