import '../../local/quiet';
import type { TestProject } from 'vitest/node';
import { type LocalStack, startLocalStack } from '../../local/stack';

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';
/** A second key (LOCAL_API_KEYS in the local stack): maker-checker needs two people. */
export const TEST_SECOND_API_KEY = 'test-second-key-0123456789abcdef';
export const TEST_CREDENTIALS = {
  serviceId: '3001',
  accessKey: 'test-access-key',
  secretKey: 'test-secret-kéy-ñ',
};

export interface ProvidedStack {
  apiUrl: string;
  sandboxUrl: string;
  apiKey: string;
  env: Record<string, string>;
  /** DynamoDB Local's JVM (test/e2e/serial/storage-outage.test.ts freezes it). */
  dynamoPid: number | undefined;
  dlqUrls: Record<string, string>;
  queueUrls: Record<string, string>;
  /** The console's local issuer (test/support/console-login.ts signs people in there). */
  consoleIssuerUrl: string;
  /** Its private signing key (JWK), for tokens it really signed but with other claims (expired…). */
  consoleSigningKey: Record<string, unknown>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: ProvidedStack;
  }
}

interface Shared {
  stack: Promise<LocalStack>;
  users: number;
}
const holder = globalThis as typeof globalThis & { __pagoefectivoLocalStack?: Shared };

/**
 * One real local stack (DynamoDB Local, fauxqs, sandbox, API, poller) for the integration and
 * e2e projects of a run. Both projects' setups run in vitest's main process, and the handlers
 * read process.env, so they share one stack (reference-counted) instead of racing two.
 */
export default async function setup(project: TestProject) {
  holder.__pagoefectivoLocalStack ??= {
    stack: startLocalStack({
      port: 0,
      sandboxPort: 0,
      apiKey: TEST_API_KEY,
      extraApiKeys: [{ key: TEST_SECOND_API_KEY, name: 'finance approver (test)' }],
      ...TEST_CREDENTIALS,
      visibilityTimeoutSeconds: 1,
      // Short enough to rehearse PSP timeouts quickly, long enough that a loaded CI machine never trips it by accident.
      pspTimeoutMs: 3000,
      scheduler: false,
      expiryGraceSeconds: 30,
      webhookRetryScheduleSeconds: [1, 1, 1, 1, 1, 1, 1],
      // A body that never arrives whole is answered 408 after this long (10 s by default).
      requestTimeoutMs: 3000,
    }),
    users: 0,
  };
  const shared = holder.__pagoefectivoLocalStack;
  shared.users++;
  const stack = await shared.stack;
  project.provide('localStack', {
    apiUrl: stack.apiUrl,
    sandboxUrl: stack.sandboxUrl,
    apiKey: TEST_API_KEY,
    env: stack.env,
    dynamoPid: stack.dynamoPid,
    dlqUrls: stack.dlqUrls,
    queueUrls: stack.queueUrls,
    consoleIssuerUrl: stack.consoleIssuer.url,
    consoleSigningKey: { ...stack.consoleIssuer.signingKey },
  });
  return async () => {
    shared.users--;
    if (shared.users === 0) {
      holder.__pagoefectivoLocalStack = undefined;
      await stack.stop();
    }
  };
}
