import type { APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from './errors';
import { logger } from './powertools';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://docs.pagoefectivo-marketplace.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
) {
  const body: Problem = {
    type: `${TYPE_BASE}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extensions,
  };
  return body;
}

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
