/**
 * Typed errors that use cases throw; the HTTP adapter maps each to an RFC 9457 problem.
 * `code` is stable and documented; `detail` is safe to show to the marketplace.
 */
export interface FieldProblem {
  /** Dotted path of the offending field in the request, e.g. `buyer.email` or `splits.0.fee`. */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly extensions: Record<string, unknown>;

  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.name = new.target.name;
    this.extensions = extensions;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'validation_failed';
  constructor(
    readonly errors: FieldProblem[],
    detail = 'The request is not valid.',
  ) {
    super(detail, { errors });
  }
}

/** A JSON body nested deeper than `maxDepth` (platform/http.ts): refused before it is parsed. */
export class JsonTooDeepError extends AppError {
  readonly status = 400;
  readonly code = 'json_too_deep';
  constructor(readonly maxDepth: number) {
    super(`The JSON body nests objects and arrays deeper than ${maxDepth} levels.`, {
      maxDepth,
      errors: [{ field: 'body', message: `Nested deeper than ${maxDepth} levels.` }],
    });
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(
    readonly code: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(detail, extensions);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(
    readonly code: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(detail, extensions);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/** Well-formed, but not something this order can have (e.g. a wallet outside the provider's limits). */
export class UnprocessableError extends AppError {
  readonly status = 422;
  constructor(
    readonly code: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(detail, extensions);
  }
}

/** The PSP understood the request and refused it (its validation). Our caller can fix it. */
export class PspRejectedError extends AppError {
  readonly status = 422;
  readonly code = 'psp_rejected';
}

/** The PSP could not be reached, timed out, or answered with something we cannot trust. */
export class PspUnavailableError extends AppError {
  readonly code = 'psp_unavailable';
  constructor(
    detail: string,
    readonly status: 502 | 503 = 503,
  ) {
    super(detail);
  }
}
