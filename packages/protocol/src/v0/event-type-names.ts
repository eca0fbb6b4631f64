import { InvalidEventError } from './invalid-event-error.js';
import { isAction, isObservation } from './parley-event.js';
import type { ParleyEvent } from './parley-event.js';

export type EventKind = 'action' | 'observation' | 'streaming_delta';

export interface EventKindAndType {
  readonly kind: EventKind;
  /** The `action` or `observation` value; `streaming_delta` for a streaming delta. */
  readonly type: string;
}

/** Upstream class names (as used by search filters), plus Parley's `StreamingDelta`. */
export const eventTypeNames = [
  'MessageAction',
  'SystemMessageAction',
  'ChangeAgentStateAction',
  'CmdRunAction',
  'FileEditAction',
  'FileReadAction',
  'MCPAction',
  'AgentFinishAction',
  'RecallAction',
  'AgentThinkAction',
  'NullAction',
  'AgentStateChangedObservation',
  'ErrorObservation',
  'CmdOutputObservation',
  'FileEditObservation',
  'FileReadObservation',
  'MCPObservation',
  'UserRejectObservation',
  'RecallObservation',
  'AgentThinkObservation',
  'NullObservation',
  'StreamingDelta',
] as const;

export type EventTypeName = (typeof eventTypeNames)[number];

const kindAndTypeByName: Readonly<Record<EventTypeName, EventKindAndType>> = {
  MessageAction: { kind: 'action', type: 'message' },
  SystemMessageAction: { kind: 'action', type: 'system' },
  ChangeAgentStateAction: { kind: 'action', type: 'change_agent_state' },
  CmdRunAction: { kind: 'action', type: 'run' },
  FileEditAction: { kind: 'action', type: 'edit' },
  FileReadAction: { kind: 'action', type: 'read' },
  MCPAction: { kind: 'action', type: 'call_tool_mcp' },
  AgentFinishAction: { kind: 'action', type: 'finish' },
  RecallAction: { kind: 'action', type: 'recall' },
  AgentThinkAction: { kind: 'action', type: 'think' },
  NullAction: { kind: 'action', type: 'null' },
  AgentStateChangedObservation: { kind: 'observation', type: 'agent_state_changed' },
  ErrorObservation: { kind: 'observation', type: 'error' },
  CmdOutputObservation: { kind: 'observation', type: 'run' },
  FileEditObservation: { kind: 'observation', type: 'edit' },
  FileReadObservation: { kind: 'observation', type: 'read' },
  MCPObservation: { kind: 'observation', type: 'mcp' },
  UserRejectObservation: { kind: 'observation', type: 'user_rejected' },
  RecallObservation: { kind: 'observation', type: 'recall' },
  AgentThinkObservation: { kind: 'observation', type: 'think' },
  NullObservation: { kind: 'observation', type: 'null' },
  StreamingDelta: { kind: 'streaming_delta', type: 'streaming_delta' },
};

function tableKey(kindAndType: EventKindAndType): string {
  return `${kindAndType.kind}:${kindAndType.type}`;
}

const nameByKindAndType: ReadonlyMap<string, EventTypeName> = new Map(
  eventTypeNames.map((name) => [tableKey(kindAndTypeByName[name]), name]),
);

export function isEventTypeName(name: string): name is EventTypeName {
  return eventTypeNames.some((typeName) => typeName === name);
}

export function eventKindAndType(event: ParleyEvent): EventKindAndType {
  if (isAction(event)) return { kind: 'action', type: event.action };
  if (isObservation(event)) return { kind: 'observation', type: event.observation };
  return { kind: 'streaming_delta', type: 'streaming_delta' };
}

/** The upstream class name of an event, or undefined for a type outside the table. */
export function eventTypeName(event: ParleyEvent): EventTypeName | undefined {
  return nameByKindAndType.get(tableKey(eventKindAndType(event)));
}

/** @throws InvalidEventError `EVENT_UNKNOWN_TYPE` for a name outside `eventTypeNames`. */
export function resolveEventTypeName(name: string): EventKindAndType {
  if (isEventTypeName(name)) return kindAndTypeByName[name];
  const shown = name.length > 100 ? `${name.slice(0, 99)}…` : name;
  throw new InvalidEventError('EVENT_UNKNOWN_TYPE', `Unknown event type name: ${shown}`);
}

/** Upstream `EventFilter(exclude_hidden=True)`: true when `args.hidden` or `extras.hidden` is true. */
export function isHiddenEvent(event: ParleyEvent): boolean {
  if (isAction(event)) {
    const args: Readonly<Record<string, unknown>> = event.args;
    return args.hidden === true;
  }
  if (isObservation(event)) return event.extras.hidden === true;
  return false;
}
