import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidEventError } from '@parley/protocol';
import { isAbortError } from '../shared/abort.js';
import {
  errorCodes,
  isParleyError,
  type ErrorCode,
  type ErrorCodeEntry,
} from '../shared/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route's error answers differ from the handler's default (`RouteErrors`). */
    errors?: RouteErrors;
  }
}

/**
 * A route's own wording of its errors, where upstream's clients expect it: declared in the
 * route's `config.errors`, answered by the one error handler, with the status and body shape of
 * the code table. Routes never catch to remap.
 */
export interface RouteErrors {
  /** Fields every error body of the route carries (upstream names the conversation on start). */
  fields?: (request: FastifyRequest) => Record<string, unknown>;
  /**
   * The answer to a failure on the server side: any error answered with a 5xx except the
   * shutdown refusal (`SERVER_SHUTTING_DOWN`, which the client retries). What failed is logged,
   * never sent.
   */
  failure?: { code: ErrorCode; message: string };
}

/** Parley's error body; codes with a `body` shape in the table answer upstream's bare bodies. */
export interface ErrorBody {
  status: 'error';
  message: string;
  /** Parley's stable code (docs/errors.md). */
  code: ErrorCode;
  /** Upstream's i18n message id, for the codes that have one. */
  msg_id?: string;
  /** FastAPI's field: the message again, or the validation issues. */
  detail: unknown;
  [key: string]: unknown;
}

/** The body for a domain error code, in the shape its table entry names. */
export function errorBody(
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorBody | Record<string, unknown> {
  const entry: ErrorCodeEntry = errorCodes[code];
  switch (entry.body) {
    case 'message':
      return { message, ...extra };
    case 'error':
      return { error: message, ...extra };
    case 'success':
      return { success: false, error: message, ...extra };
    default:
      return {
        status: 'error',
        message,
        code,
        ...(entry.messageId === undefined ? {} : { msg_id: entry.messageId }),
        detail: message,
        ...extra,
      };
  }
}

/** A validation issue as fastify-type-provider-zod reports it (a zod issue in Ajv's shape). */
interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  /** `keys` of unrecognized keys; `params.type` of a custom check (e.g. `unstorable_text`). */
  params?: { keys?: string[]; params?: { type?: unknown } };
}

/** What the handler answers, before a route's own wording applies. */
interface Answer {
  status: number;
  code: ErrorCode;
  message: string;
  extra?: Record<string, unknown>;
}

/**
 * The one place errors become HTTP responses: domain codes map through `errorCodes`; framework
 * errors (validation, body size, malformed JSON) get JSON bodies too; a route's `config.errors`
 * words its answers where upstream does; nothing leaks a stack trace. An aborted operation (the
 * client went away: `request.clientGone`) is no server fault: it answers 499 OPERATION_ABORTED,
 * which nobody is usually left to read, and is logged at info with its code.
 */
export function registerErrorHandler(server: FastifyInstance): void {
  server.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let answer = answerFor(error);
    const route = request.routeOptions.config.errors;
    if (answer.code === 'OPERATION_ABORTED') {
      request.log.info(
        { code: answer.code, reason: abortReason(error) },
        'request aborted before its answer',
      );
    }
    if (answer.status >= 500) {
      request.log.error(
        { err: error },
        isParleyError(error) ? 'request failed' : 'unexpected error',
      );
      const failure = route?.failure;
      if (failure !== undefined && answer.code !== 'SERVER_SHUTTING_DOWN') {
        answer = { status: errorCodes[failure.code].httpStatus, ...failure };
      }
    }
    const body = errorBody(answer.code, answer.message, answer.extra);
    return reply.status(answer.status).send({ ...body, ...route?.fields?.(request) });
  });
}

function answerFor(error: FastifyError): Answer {
  // Parley's AbortedError, and a DOM-style AbortError from a library the signal reached.
  if (isAbortError(error)) {
    return {
      status: errorCodes.OPERATION_ABORTED.httpStatus,
      code: 'OPERATION_ABORTED',
      message: 'The operation was aborted',
    };
  }
  if (isParleyError(error)) {
    return { status: errorCodes[error.code].httpStatus, code: error.code, message: error.message };
  }
  if (error instanceof InvalidEventError) {
    return {
      status: 400,
      code: error.code,
      message: error.message,
      extra: { issues: error.issues },
    };
  }
  if (error.validation !== undefined) {
    const context = error.validationContext ?? 'body';
    const detail = (error.validation as ValidationIssue[]).map((issue) =>
      describeIssue(issue, context),
    );
    const first = detail[0];
    const message =
      first === undefined
        ? 'Invalid request'
        : `Invalid request: ${first.loc.join('.')}: ${first.msg}`;
    return { status: 422, code: 'REQUEST_INVALID', message, extra: { detail } };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'REQUEST_TOO_LARGE', message: 'Request body is too large' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'REQUEST_MALFORMED', message: 'Request body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'REQUEST_MALFORMED', message: 'Unsupported content type' };
    default:
      break;
  }
  if (error instanceof SyntaxError) {
    return { status: 400, code: 'REQUEST_MALFORMED', message: 'Request body is not valid JSON' };
  }
  const statusCode = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: 'REQUEST_INVALID', message: error.message };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
}

/** Fastify's name of a request part, as FastAPI names it in a `loc`. */
const fastApiLocation: Readonly<Record<string, string>> = {
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function describeIssue(
  issue: ValidationIssue,
  context: string,
): { loc: (string | number)[]; msg: string; type: string } {
  const path = (issue.instancePath ?? '').split('/').filter((part) => part !== '');
  const loc: (string | number)[] = [
    fastApiLocation[context] ?? context,
    ...path.map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
  ];
  if (issue.keyword === 'unrecognized_keys' && issue.params?.keys !== undefined) {
    return {
      loc: [...loc, ...issue.params.keys],
      msg: 'Extra inputs are not permitted',
      type: 'extra_forbidden',
    };
  }
  const customType = issue.params?.params?.type;
  return {
    loc,
    msg: issue.message ?? 'Invalid value',
    type: typeof customType === 'string' ? customType : (issue.keyword ?? 'invalid'),
  };
}

/** What aborted: the message of the abort's cause (the signal's reason), else of the error. */
function abortReason(error: Error): string {
  const cause: unknown = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
