import type { APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from './errors';
import { logger } from './powertools';
import { PROBLEM_CONTENT_TYPE, problem } from './problem-document';

export { PROBLEM_CONTENT_TYPE, type Problem, problem } from './problem-document';

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

/** Maps anything thrown to a problem. Unknown errors become a 500 that leaks nothing. */
export function errorToResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (error instanceof AppError) {
    if (error.status >= 500) logger.error('upstream failure', { error });
    return problemResponse(error.status, error.code, error.message, error.extensions);
  }
  logger.error('unhandled error', { error });
  return problemResponse(500, 'internal_error', 'Something went wrong on our side. It was logged.', {
    ...(requestId ? { requestId } : {}),
  });
}
