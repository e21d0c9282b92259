import * as z from 'zod/mini';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { secretJson } from '#platform/secrets';

export interface CulqiCredentials {
  secretKey: string;
  /** The basic-auth pair set on the webhook in CulqiPanel, when one is (decision 105). */
  webhookUser?: string | undefined;
  webhookPassword?: string | undefined;
}

export const secretSchema = /* @__PURE__ */ schemasOnFirstUse(() =>
  z.object({
    secretKey: z.string().check(z.minLength(1)),
    webhookUser: z.optional(z.string().check(z.minLength(1))),
    webhookPassword: z.optional(z.string().check(z.minLength(1))),
  }),
);

/** Whether this stage was given Culqi credentials at all. */
export function culqiConfigured(): boolean {
  const env = config();
  return env.CULQI_SECRET_ARN !== undefined || env.CULQI_SECRET_KEY !== undefined;
}

/** Secrets Manager in AWS (`CULQI_SECRET_ARN`, cached per container), env vars on the local stack. */
export async function culqiCredentials(): Promise<CulqiCredentials> {
  const env = config();
  if (env.CULQI_SECRET_ARN !== undefined) return secretSchema().parse(await secretJson(env.CULQI_SECRET_ARN));
  if (env.CULQI_SECRET_KEY !== undefined) {
    return {
      secretKey: env.CULQI_SECRET_KEY,
      webhookUser: env.CULQI_WEBHOOK_USER,
      webhookPassword: env.CULQI_WEBHOOK_PASSWORD,
    };
  }
  throw new Error('Culqi credentials are not configured (CULQI_SECRET_ARN or CULQI_SECRET_KEY).');
}
