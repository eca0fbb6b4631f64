export type InvalidEventCode = 'EVENT_INVALID' | 'EVENT_UNKNOWN_TYPE';

export interface InvalidEventIssue {
  /** Dotted path into the event, e.g. `args.content` or `args.file_urls[0]`; '' for the root. */
  readonly path: string;
  readonly message: string;
}

/** Thrown by the event parsers and `resolveEventTypeName`. The message is one line. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly code: InvalidEventCode;
  readonly issues: readonly InvalidEventIssue[];

  constructor(code: InvalidEventCode, message: string, issues: readonly InvalidEventIssue[] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}
