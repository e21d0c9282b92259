import type { APIGatewayProxyResult } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problem } from '#contract/problem-document';
import { GATEWAY_PROBLEMS, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '#contract/service';
import { isAwsUnavailable } from './aws-errors';
import { AppError } from './errors';
import { logger } from './powertools';

export { PROBLEM_CONTENT_TYPE, type Problem, problem } from '#contract/problem-document';

export function problemResponse(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem(status, code, detail, extensions)),
  };
}

/**
 * Maps anything thrown to a problem. An AWS service that could not answer (DynamoDB timing out,
 * throttled, unreachable) is a 503 with Retry-After: the request may be sent again, nothing was
 * acknowledged. Other unknown errors become a 500 that leaks nothing.
 */
export function errorToResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (error instanceof AppError) {
    if (error.status >= 500) logger.error('upstream failure', { error });
    return problemResponse(error.status, error.code, error.message, error.extensions);
  }
  if (isAwsUnavailable(error)) {
    const unavailable = GATEWAY_PROBLEMS.serviceUnavailable;
    logger.error('AWS service unavailable', { error });
    const response = problemResponse(503, unavailable.code, unavailable.detail, {
      ...(requestId ? { requestId } : {}),
    });
    return {
      ...response,
      headers: { ...response.headers, 'Retry-After': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    };
  }
  logger.error('unhandled error', { error });
  return problemResponse(500, 'internal_error', 'Something went wrong on our side. It was logged.', {
    ...(requestId ? { requestId } : {}),
  });
}
