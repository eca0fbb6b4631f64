import type { z } from 'zod';
import { actionEventSchema, isActionType } from './action-event.js';
import type { ActionEvent } from './action-event.js';
import { eventMessage } from './event-message.js';
import { InvalidEventError } from './invalid-event-error.js';
import type { InvalidEventIssue } from './invalid-event-error.js';
import { isObservationType, observationEventSchema } from './observation-event.js';
import type { ParleyEvent } from './parley-event.js';
import { streamingDeltaEventSchema } from './streaming-delta-event.js';
import { upgradeLegacyActionArgs } from './upgrade-legacy-action-args.js';

type UnknownRecord = Readonly<Record<string, unknown>>;

/** Optional top-level fields where upstream treats `null` like an absent key. */
const nullableTopLevelKeys = [
  'id',
  'timestamp',
  'source',
  'message',
  'cause',
  'tool_call_metadata',
  'llm_metrics',
  'timeout',
] as const;

const maximumIssues = 5;
const maximumNameLength = 100;
const maximumKeysLength = 200;

/**
 * Validates a stored or server-produced event (the upstream V0 JSON of reference §4.1, or a Parley
 * streaming delta). `null` optional top-level fields and `id: -1` are read as absent, as upstream
 * does. The input is never mutated.
 *
 * @throws InvalidEventError `EVENT_UNKNOWN_TYPE` for an unknown action/observation type or a dict
 *   that is none of action, observation, streaming delta; `EVENT_INVALID` otherwise.
 */
export function parseEvent(input: unknown): ParleyEvent {
  const record = withoutAbsentTopLevelFields(requireRecord(input));
  if ('action' in record) return parseAction(record);
  if ('observation' in record) {
    const type = requireTypeName(record, 'observation');
    if (!isObservationType(type)) {
      throw new InvalidEventError(
        'EVENT_UNKNOWN_TYPE',
        `Unknown observation type: ${shorten(type, maximumNameLength)}`,
      );
    }
    return validate(observationEventSchema, record);
  }
  if ('streaming_delta' in record) return validate(streamingDeltaEventSchema, record);
  throw unknownEventType(record);
}

/**
 * Validates an action dict sent by a client (`oh_user_action`). First applies upstream's
 * `action_from_dict` compatibility rules to `args` (see `upgradeLegacyActionArgs`) and strips a
 * client-supplied `id`; then sets `message` to the value upstream derives for the action (a client
 * cannot choose it). Timestamp and source are left for the server to overwrite when appending.
 * The input is never mutated.
 *
 * @throws InvalidEventError as `parseEvent`; a dict that is an observation or a streaming delta is
 *   `EVENT_INVALID` (clients may only send actions).
 */
export function parseIncomingAction(input: unknown): ActionEvent {
  const record = withoutAbsentTopLevelFields(requireRecord(input));
  if (!('action' in record)) {
    if ('observation' in record || 'streaming_delta' in record) {
      const message = 'expected an action; clients may only send actions';
      throw new InvalidEventError('EVENT_INVALID', `Invalid event: action: ${message}`, [
        { path: 'action', message },
      ]);
    }
    throw unknownEventType(record);
  }
  const upgraded: Record<string, unknown> = { ...record };
  delete upgraded.id;
  if (isRecord(record.args)) upgraded.args = upgradeLegacyActionArgs(record.args);
  const action = parseAction(upgraded);
  return { ...action, message: eventMessage(action) };
}

function parseAction(record: UnknownRecord): ActionEvent {
  const type = requireTypeName(record, 'action');
  if (!isActionType(type)) {
    throw new InvalidEventError(
      'EVENT_UNKNOWN_TYPE',
      `Unknown action type: ${shorten(type, maximumNameLength)}`,
    );
  }
  return validate(actionEventSchema, record);
}

function validate<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(describeIssue).slice(0, maximumIssues);
  const first = issues[0];
  const summary = first === undefined ? 'does not match the schema' : formatIssue(first);
  return throwInvalid(`Invalid event: ${summary}`, issues);
}

function throwInvalid(message: string, issues: readonly InvalidEventIssue[]): never {
  throw new InvalidEventError('EVENT_INVALID', message, issues);
}

function describeIssue(issue: z.core.$ZodIssue): InvalidEventIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: 'unknown key',
    }));
  }
  // zod's messages read "Invalid input: expected string, received number"; keep the useful part.
  const message = issue.message.replace(/^Invalid (?:input|option): /, '');
  return [{ path: formatPath(issue.path), message }];
}

function formatIssue(issue: InvalidEventIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else formatted += formatted === '' ? String(segment) : `.${String(segment)}`;
  }
  return formatted;
}

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(input: unknown): UnknownRecord {
  if (isRecord(input)) return input;
  const received = input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
  const message = `expected an object, received ${received}`;
  return throwInvalid(`Invalid event: ${message}`, [{ path: '', message }]);
}

function requireTypeName(record: UnknownRecord, key: 'action' | 'observation'): string {
  const type = record[key];
  if (typeof type === 'string') return type;
  const message = `expected string, received ${type === null ? 'null' : typeof type}`;
  return throwInvalid(`Invalid event: ${key}: ${message}`, [{ path: key, message }]);
}

/** A shallow copy without `null` optional top-level fields and without `id: -1`. */
function withoutAbsentTopLevelFields(record: UnknownRecord): UnknownRecord {
  const present: Record<string, unknown> = { ...record };
  for (const key of nullableTopLevelKeys) {
    if (present[key] === null) delete present[key];
  }
  if (present.id === -1) delete present.id;
  return present;
}

function unknownEventType(record: UnknownRecord): InvalidEventError {
  const keys = shorten(JSON.stringify(Object.keys(record)), maximumKeysLength);
  return new InvalidEventError('EVENT_UNKNOWN_TYPE', `Unknown event type: ${keys}`);
}

function shorten(text: string, maximumLength: number): string {
  const singleLine = text.replace(/\s+/g, ' ');
  return singleLine.length <= maximumLength
    ? singleLine
    : `${singleLine.slice(0, maximumLength - 1)}…`;
}
