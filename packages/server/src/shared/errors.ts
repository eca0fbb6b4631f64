/**
 * Errors with stable codes. Every error Parley raises on purpose is a ParleyError (or a subclass)
 * whose `code` is listed in `errorCodes`; the HTTP layer maps codes to statuses in one place.
 */

/** Every stable error code, with the HTTP status it maps to and what it means. */
export const errorCodes = {
  CONFIG_INVALID: {
    httpStatus: 500,
    description: 'A configuration value is missing or malformed.',
  },
  OPERATION_ABORTED: { httpStatus: 499, description: 'The caller aborted the operation.' },
  OPERATION_TIMEOUT: { httpStatus: 504, description: 'The operation did not finish in time.' },
  MULTIPLE_ERRORS: { httpStatus: 500, description: 'Several concurrent tasks failed.' },
  EVENT_INVALID: { httpStatus: 400, description: 'An event does not match the event model.' },
  EVENT_UNKNOWN_TYPE: {
    httpStatus: 400,
    description: 'An event names an unknown action or observation.',
  },
  EVENT_FILTER_INVALID: { httpStatus: 400, description: 'A search filter or range is malformed.' },
  EVENT_ALREADY_HAS_ID: {
    httpStatus: 400,
    description: 'An event to append already carries an id.',
  },
  SUBSCRIPTION_DUPLICATE: { httpStatus: 409, description: 'A callback id is already subscribed.' },
  STORE_CLOSED: { httpStatus: 503, description: 'The store is closing or closed.' },
  STORAGE_FAILURE: {
    httpStatus: 500,
    description: 'The database rejected or failed an operation.',
  },
  WORKER_FAILURE: { httpStatus: 500, description: 'A worker thread failed or exited.' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface ParleyErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;

  constructor(code: ErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The caller's AbortSignal fired. `cause` holds the signal's reason. */
export class AbortedError extends ParleyError {
  constructor(message = 'The operation was aborted', options: ParleyErrorOptions = {}) {
    super('OPERATION_ABORTED', message, options);
  }
}

export class TimeoutError extends ParleyError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message = `The operation timed out after ${timeoutMs} ms`) {
    super('OPERATION_TIMEOUT', message, { isRetryable: true });
    this.timeoutMs = timeoutMs;
  }
}

/** Several tasks failed at once; the message joins their messages with newlines, as upstream. */
export class MultipleErrors extends ParleyError {
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super('MULTIPLE_ERRORS', errors.map((error) => describeError(error)).join('\n'));
    this.errors = errors;
  }
}

export function isParleyError(error: unknown): error is ParleyError {
  return error instanceof ParleyError;
}

/** A one-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
