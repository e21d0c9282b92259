/**
 * Whether an error thrown by an AWS call means "the service could not answer now" — so the caller
 * should come back shortly (503 with Retry-After), not "we are broken" (500) or "you are wrong"
 * (4xx). By the SDK's own marks: its timeouts (`TimeoutError`, platform/aws.ts sets them), a
 * connection that failed or broke, throttling, and the service's own 5xx.
 */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'SlowDown',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: boolean };
}

export function isAwsUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code, $metadata, $retryable } = error as SdkErrorShape;
  if (name === 'TimeoutError') return true;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (typeof name === 'string' && THROTTLING_NAMES.has(name)) return true;
  if ($retryable?.throttling === true) return true;
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500 && status <= 599;
}
