/**
 * Errors with stable codes. Every error Parley raises on purpose is a ParleyError (or a subclass)
 * whose `code` is listed in `errorCodes`; the HTTP layer maps codes to statuses in one place.
 */

/**
 * The shape of a code's HTTP body. The default is Parley's `{status: "error", message, code,
 * msg_id?, detail}`; a few answers keep upstream's bare bodies because its clients read them so:
 * `message` → `{message}`, `error` → `{error: message}`, `success` → `{success: false, error:
 * message}`.
 */
export type ErrorBodyShape = 'message' | 'error' | 'success';

export interface ErrorCodeEntry {
  httpStatus: number;
  description: string;
  /** Upstream's i18n message id, for the codes that have one. */
  messageId?: string;
  body?: ErrorBodyShape;
}

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
  INTERNAL_ERROR: { httpStatus: 500, description: 'An unexpected error; details are in the log.' },
  SECRET_UNREADABLE: {
    httpStatus: 500,
    description: 'A stored secret cannot be decrypted with the configured key.',
  },
  REQUEST_INVALID: {
    httpStatus: 422,
    description: 'The request body, query or path does not match its schema.',
  },
  REQUEST_MALFORMED: { httpStatus: 400, description: 'The request body is not valid JSON.' },
  REQUEST_TOO_LARGE: { httpStatus: 413, description: 'The request body exceeds the size limit.' },
  ROUTE_NOT_FOUND: { httpStatus: 404, description: 'No route matches the method and path.' },
  SESSION_API_KEY_INVALID: {
    httpStatus: 401,
    description: 'The X-Session-API-Key header is missing or wrong.',
  },
  CONVERSATION_ID_INVALID: {
    httpStatus: 400,
    description: 'A conversation id is too long or has forbidden characters.',
  },
  CONVERSATION_NOT_FOUND: {
    httpStatus: 404,
    description: 'The conversation does not exist or belongs to someone else.',
    messageId: 'CONVERSATION$NOT_FOUND',
  },
  CONVERSATION_ALREADY_EXISTS: {
    httpStatus: 409,
    description: 'A client-chosen conversation id is already taken.',
  },
  CONVERSATION_LEASE_LOST: {
    httpStatus: 409,
    description:
      "An append of a conversation's agent loop was refused: another process owns the conversation now.",
  },
  DATA_DIRECTORY_IN_USE: {
    httpStatus: 500,
    description: 'Another Parley process already uses the SQLite data directory.',
  },
  CONVERSATION_NOT_RUNNING: {
    httpStatus: 409,
    description: 'The conversation has no running agent loop to take the command.',
  },
  SETTINGS_NOT_FOUND: {
    httpStatus: 400,
    description: 'No settings are stored and the server has no default LLM.',
    messageId: 'CONFIGURATION$SETTINGS_NOT_FOUND',
  },
  LLM_API_KEY_MISSING: {
    httpStatus: 400,
    description: 'The chosen LLM needs an API key and none is set.',
    messageId: 'STATUS$ERROR_LLM_AUTHENTICATION',
  },
  MESSAGE_NOT_ADDED: {
    httpStatus: 500,
    description: 'A user message could not be added for a reason on the server side.',
    body: 'success',
  },
  SECRET_NOT_FOUND: {
    httpStatus: 404,
    description: 'No custom secret has that name.',
    body: 'error',
  },
  SECRET_ALREADY_EXISTS: {
    httpStatus: 400,
    description: 'A custom secret with that name already exists.',
    body: 'message',
  },
  LLM_REQUEST_INVALID: {
    httpStatus: 400,
    description: 'A language-model request is malformed, for example it has no messages.',
  },
  LLM_MODEL_UNKNOWN: {
    httpStatus: 400,
    description: 'The model name names no known provider and no base URL is set.',
  },
  LLM_AUTHENTICATION: {
    httpStatus: 400,
    description: 'The LLM provider rejected the API key (401 or 403).',
    messageId: 'STATUS$ERROR_LLM_AUTHENTICATION',
  },
  LLM_BAD_REQUEST: {
    httpStatus: 400,
    description: 'The LLM provider rejected the request as malformed or too large.',
  },
  LLM_CONTENT_POLICY: {
    httpStatus: 400,
    description: 'The LLM provider refused the request under its content policy.',
    messageId: 'STATUS$ERROR_LLM_CONTENT_POLICY_VIOLATION',
  },
  LLM_RATE_LIMITED: {
    httpStatus: 429,
    description: 'The LLM provider answered 429: too many requests or tokens.',
    messageId: 'CHAT_INTERFACE$AGENT_RATE_LIMITED_STOPPED_MESSAGE',
  },
  LLM_PROVIDER_ERROR: {
    httpStatus: 502,
    description: 'The LLM provider failed (5xx, 408, 409 or another unexpected status).',
    messageId: 'STATUS$ERROR_LLM_INTERNAL_SERVER_ERROR',
  },
  LLM_CONNECTION: {
    httpStatus: 502,
    description: 'The LLM endpoint could not be reached or dropped the connection.',
    messageId: 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
  },
  LLM_TIMEOUT: {
    httpStatus: 504,
    description: 'The LLM did not connect, start or continue streaming in time.',
    messageId: 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
  },
  LLM_EMPTY_RESPONSE: {
    httpStatus: 502,
    description: 'The LLM answered with no text, reasoning or tool call.',
  },
  LLM_RESPONSE_INVALID: {
    httpStatus: 502,
    description: 'The LLM sent a chunk or body that does not parse.',
  },
  LLM_STREAM_INTERRUPTED: {
    httpStatus: 502,
    description: 'The LLM stream failed after output was shown; it is not retried.',
    messageId: 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
  },
  LLM_RETRIES_EXHAUSTED: {
    httpStatus: 503,
    description: 'Every allowed attempt of an LLM call failed with a retryable error.',
    messageId: 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
  },
  SERVER_SHUTTING_DOWN: {
    httpStatus: 503,
    description: 'The server is shutting down and takes no new work; retry once it is back.',
  },
  SOCKET_MESSAGE_INVALID: {
    httpStatus: 400,
    description: 'A socket message is not JSON, is binary, or has the wrong shape.',
  },
  SOCKET_RATE_LIMITED: {
    httpStatus: 429,
    description: 'A socket sent messages faster than its per-connection rate limit.',
  },
  SOCKET_SLOW_CONSUMER: {
    httpStatus: 503,
    description: 'A socket fell behind its outbound buffer cap and was closed.',
  },
  SOCKET_REPLAY_BUSY: {
    httpStatus: 503,
    description: 'Replay memory stayed full past the wait bound; try again later.',
  },
  WORKSPACE_ID_INVALID: {
    httpStatus: 400,
    description: 'A workspace id is empty, too long, or not made of A-Z a-z 0-9 _ -.',
  },
  WORKSPACE_PATH_INVALID: {
    httpStatus: 400,
    description:
      'A workspace path leads outside it (.., absolute, a link), has a NUL, or names the wrong kind of file.',
  },
  WORKSPACE_FILE_NOT_FOUND: { httpStatus: 404, description: 'No such file in the workspace.' },
  WORKSPACE_NOT_A_GIT_REPOSITORY: {
    httpStatus: 404,
    description: 'The workspace path is in no git repository.',
  },
  SANDBOX_UNAVAILABLE: {
    httpStatus: 503,
    description: 'bubblewrap is missing or cannot create namespaces; commands cannot run.',
  },
  SANDBOX_COMMAND_INVALID: {
    httpStatus: 400,
    description: 'A command, its working directory or an exported variable is malformed.',
  },
  SANDBOX_START_FAILED: {
    httpStatus: 500,
    description: 'The sandbox could not start a command; details are in the log.',
  },
  WORKSPACE_FILE_TOO_LARGE: {
    httpStatus: 413,
    description: 'A workspace file, upload or archive is larger than the operation allows.',
  },
  WORKSPACE_OPERATION_FAILED: {
    httpStatus: 422,
    description:
      'A file of the workspace could not be read, written or listed (the reason is given).',
  },
  WORKSPACE_FILE_BINARY: {
    httpStatus: 415,
    description: 'The file is binary where text is needed (the editor, select-file).',
  },
  AGENT_NOT_AWAITING_CONFIRMATION: {
    httpStatus: 409,
    description: 'A confirmation or rejection arrived while no action awaits confirmation.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

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
