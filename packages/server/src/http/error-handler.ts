import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidEventError } from '@parley/protocol';
import { isAbortError } from '../shared/abort.js';
import { errorCodes, isParleyError, type ErrorCode } from '../shared/errors.js';

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

/** The body for a domain error code, in upstream's shape. */
export function errorBody(
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorBody {
  const entry = errorCodes[code] as { messageId?: string };
  return {
    status: 'error',
    message,
    code,
    ...(entry.messageId === undefined ? {} : { msg_id: entry.messageId }),
    detail: message,
    ...extra,
  };
}

/** A validation issue as fastify-type-provider-zod reports it (a zod issue in Ajv's shape). */
interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  /** `keys` of unrecognized keys; `params.type` of a custom check (e.g. `unstorable_text`). */
  params?: { keys?: string[]; params?: { type?: unknown } };
}

/**
 * The one place errors become HTTP responses: domain codes map through `errorCodes`; framework
 * errors (validation, body size, malformed JSON) get JSON bodies too; nothing leaks a stack trace.
 * An aborted operation (mostly: the client went away, `request.clientGone`) is no server fault:
 * it is logged at info with its code and answered 499, which nobody is usually left to read.
 */
export function registerErrorHandler(server: FastifyInstance): void {
  server.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAbortError(error)) {
      request.log.info(
        { code: 'OPERATION_ABORTED', reason: abortReason(error) },
        'request aborted before its answer',
      );
      return reply
        .status(errorCodes.OPERATION_ABORTED.httpStatus)
        .send(errorBody('OPERATION_ABORTED', 'The operation was aborted'));
    }
    if (isParleyError(error)) {
      const status = errorCodes[error.code].httpStatus;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(status).send(errorBody(error.code, error.message));
    }
    if (error instanceof InvalidEventError) {
      return reply.status(400).send(errorBody(error.code, error.message, { issues: error.issues }));
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
      return reply.status(422).send({ ...errorBody('REQUEST_INVALID', message), detail });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(errorBody('REQUEST_TOO_LARGE', 'Request body is too large'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply
          .status(400)
          .send(errorBody('REQUEST_MALFORMED', 'Request body is not valid JSON'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(errorBody('REQUEST_MALFORMED', 'Unsupported content type'));
      default:
        break;
    }
    if (error instanceof SyntaxError) {
      return reply
        .status(400)
        .send(errorBody('REQUEST_MALFORMED', 'Request body is not valid JSON'));
    }
    const statusCode = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (statusCode >= 400 && statusCode < 500) {
      return reply.status(statusCode).send(errorBody('REQUEST_INVALID', error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(errorBody('INTERNAL_ERROR', 'Internal server error'));
  });
}

function describeIssue(
  issue: ValidationIssue,
  context: string,
): { loc: (string | number)[]; msg: string; type: string } {
  const path = (issue.instancePath ?? '').split('/').filter((part) => part !== '');
  const loc: (string | number)[] = [
    context,
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
