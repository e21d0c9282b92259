/**
 * RFC 9457 problem documents, with no runtime dependency: the handlers answer with them, and the
 * CDK stack writes API Gateway's own error responses with the very same builder.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://docs.pagoefectivo-marketplace.dev/problems/';

/** The `type` URI of a problem code. */
export const problemType = (code: string) => `${TYPE_BASE}${code}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
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
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extensions,
  };
  return body;
}
