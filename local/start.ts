import './quiet';
import * as z from 'zod';
import { PRINCIPAL_PATTERN, PROVIDERS, SCOPES } from '#lib/topology';
import { JavaMissingError } from './dynamodb';
import { serveInvocationsConcurrently } from './lambda-context';
import { PortInUseError } from './ports';
import { LOCAL_CLIENT_THROTTLE, type LocalStack, startLocalStack } from './stack';

/** `npm start [-- --in-memory]`: the embedded local stack, configured by the documented variables. */
const LocalEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3010),
  /** The console's local OpenID Connect issuer. */
  ISSUER_PORT: z.coerce.number().int().min(0).max(65535).default(3020),
  /** The seeded console people's password. */
  LOCAL_CONSOLE_PASSWORD: z
    .string()
    .min(8, 'LOCAL_CONSOLE_PASSWORD needs at least 8 characters')
    .default('local-dev-password'),
  LOCAL_API_KEY: z
    .string()
    .min(16, 'LOCAL_API_KEY needs at least 16 characters')
    .default('local-dev-key-0123456789abcdef'),
  PAGOEFECTIVO_SERVICE_ID: z.string().regex(/^\d+$/).default('2001'),
  PAGOEFECTIVO_ACCESS_KEY: z.string().min(1).default('sandbox-access-key'),
  PAGOEFECTIVO_SECRET_KEY: z.string().min(1).default('sandbox-secret-key'),
  LOCAL_DATA_DIR: z.string().min(1).default('.local'),
  PSP_PROVIDER: z.enum(PROVIDERS).default('pagoefectivo'),
  DLOCAL_LOGIN: z.string().min(1).default('sandbox-dlocal-login'),
  DLOCAL_TRANS_KEY: z.string().min(1).default('sandbox-dlocal-trans-key'),
  DLOCAL_SECRET_KEY: z.string().min(1).default('sandbox-dlocal-secret-key'),
  LOCAL_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(43200).default(5),
  /** JSON: [{"key": "…16+ chars…", "name": "finance back office"}, …] — more local keys. */
  LOCAL_API_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return [];
      try {
        const parsed = z
          .array(
            z.strictObject({
              key: z.string().min(16).max(256),
              name: z.string().min(1).max(100),
              scopes: z.array(z.enum(SCOPES)).min(1).optional(),
              sellerId: z
                .string()
                .regex(/^[A-Za-z0-9._:-]{1,64}$/)
                .optional(),
              /** Who holds the key; keys of one principal cannot approve each other's requests. */
              principal: z.string().regex(PRINCIPAL_PATTERN).optional(),
            }),
          )
          .safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: 'custom', message: z.prettifyError(parsed.error) });
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'Not JSON: use [{"key":"…","name":"…","scopes":["orders:read"]}].',
        });
      }
      return z.NEVER;
    }),
});

let stack: LocalStack | undefined;
let stopping = false;

/**
 * Stops every part (DynamoDB Local's JVM included) and exits, whatever asked for it: a signal to
 * this process or to npm (which forwards SIGINT/SIGTERM to us: the start script `exec`s node so
 * no shell sits between them), the parent going away, or a vital part dying.
 */
async function shutdown(reason: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the local stack…`);
  const forceExit = setTimeout(() => process.exit(exitCode || 1), 10_000);
  forceExit.unref();
  await stack?.stop();
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(signal));
}
// A parent killed outright (SIGKILL, a crashed terminal, a test harness) cannot tell us: we are
// re-parented, so watch for that. Cheap: one syscall every half second.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) void shutdown('parent process gone');
}, 500).unref();

async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory');
  const parsed = LocalEnv.safeParse(process.env);
  if (!parsed.success) {
    console.error(`Invalid local configuration:\n${z.prettifyError(parsed.error)}`);
    process.exit(1);
  }
  const env = parsed.data;
  console.log('Starting the local stack (DynamoDB Local, SQS emulator, PagoEfectivo sandbox, API)…');
  try {
    // One process serving every function at once: each invocation in its own invoke context, so
    // each log line names the function (and request) that wrote it (local/lambda-context.ts).
    const started = await serveInvocationsConcurrently(() =>
      startLocalStack({
        port: env.PORT,
        sandboxPort: env.SANDBOX_PORT,
        ...(inMemory ? {} : { dataDir: env.LOCAL_DATA_DIR }),
        apiKey: env.LOCAL_API_KEY,
        extraApiKeys: env.LOCAL_API_KEYS,
        serviceId: env.PAGOEFECTIVO_SERVICE_ID,
        accessKey: env.PAGOEFECTIVO_ACCESS_KEY,
        secretKey: env.PAGOEFECTIVO_SECRET_KEY,
        visibilityTimeoutSeconds: env.LOCAL_VISIBILITY_TIMEOUT_SECONDS,
        issuerPort: env.ISSUER_PORT,
        consolePassword: env.LOCAL_CONSOLE_PASSWORD,
        provider: env.PSP_PROVIDER,
        dlocal: { login: env.DLOCAL_LOGIN, transKey: env.DLOCAL_TRANS_KEY, secretKey: env.DLOCAL_SECRET_KEY },
        log: (line) => console.log(line),
        onFatal: (reason) => void shutdown(reason, 1),
      }),
    );
    stack = started;
  } catch (error) {
    if (error instanceof JavaMissingError || error instanceof PortInUseError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  if (stopping || !stack) return;
  console.log(`
  PagoEfectivo marketplace — local stack ready
  API            ${stack.apiUrl}        (GET /health, /openapi.json, /v1/…)
  API key        Authorization: Bearer ${env.LOCAL_API_KEY}${env.LOCAL_API_KEYS.length ? ` (+ ${env.LOCAL_API_KEYS.length} from LOCAL_API_KEYS)` : ''}   (throttled per key like AWS: ${LOCAL_CLIENT_THROTTLE.rateLimit} req/s, bursts of ${LOCAL_CLIENT_THROTTLE.burstLimit})
  Console issuer ${stack.consoleIssuer.url}        (OpenID Connect: /.well-known/openid-configuration)
                 people: finanzas@, finanzas2@, soporte@, admin@, vendedor@local.test (seller-a), password ${env.LOCAL_CONSOLE_PASSWORD === 'local-dev-password' ? 'local-dev-password' : 'from LOCAL_CONSOLE_PASSWORD'}
  Sandbox PSP    ${stack.sandboxUrl}        (POST /_sandbox/cips/{cip}/pay)
  Provider       ${env.PSP_PROVIDER}${env.PSP_PROVIDER === 'dlocal' ? ` (dLocal API at ${stack.sandboxUrl}/dlocal)` : ''}
  Webhooks       ${stack.apiUrl}/webhooks/pagoefectivo (PE-Signature), ${stack.apiUrl}/webhooks/dlocal (dLocal signature), ${stack.apiUrl}/webhooks/culqi (basic auth)
  DynamoDB Local ${stack.dynamoEndpoint}   table ${stack.tableName}
                 more keys: npm run api-key:create -- --stage local --endpoint ${stack.dynamoEndpoint} --name <who>
  SQS (fauxqs)   ${stack.sqsEndpoint}
  Data           ${inMemory ? 'in memory (nothing kept)' : `${env.LOCAL_DATA_DIR}/ (kept across restarts)`}
  Ctrl-C stops everything.
`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
